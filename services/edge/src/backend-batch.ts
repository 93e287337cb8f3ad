// Starts the backend calls of one event-loop turn together, in its check phase (setImmediate), so their
// NATS publishes share one socket write. nats.js flushes once per microtask checkpoint, and under load
// each HTTP request is parsed in its own I/O callback: without this every request costs its own write
// syscall (the edge's largest single cost in a CPU profile under wrk load). It delays a call by at most
// the rest of the current turn.

const queued: (() => void)[] = [];

export function inBatch<T>(call: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    queued.push(() => {
      try {
        call().then(resolve, reject);
      } catch (error) {
        reject(error);
      }
    });
    if (queued.length === 1) setImmediate(startQueued);
  });
}

function startQueued(): void {
  for (const start of queued.splice(0)) start();
}
