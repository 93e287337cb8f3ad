// At most one log line per interval for a repeating condition (an outage must not flood the logs);
// the next line says how many were suppressed.
export function throttled(intervalMs: number, clock: () => number = Date.now) {
  let last = Number.NEGATIVE_INFINITY;
  let suppressed = 0;
  return (emit: (suppressed: number) => void) => {
    const now = clock();
    if (now - last < intervalMs) {
      suppressed++;
      return;
    }
    last = now;
    emit(suppressed);
    suppressed = 0;
  };
}
