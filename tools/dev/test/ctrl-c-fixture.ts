// A runner whose Ctrl-C handler needs the event loop while the loop is busy in 200 ms bursts, as a
// runner's is on a loaded machine: it must still get to print that it stopped gracefully.
process.on('SIGINT', () => {
  process.stdout.write('stopped gracefully\n');
  process.exit(0);
});
process.stdout.write('ready\n');
setInterval(() => {
  const until = Date.now() + 200;
  while (Date.now() < until) {
    // Busy, as a runner starting a dozen processes on two cores is.
  }
}, 10);
