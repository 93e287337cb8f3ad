// Percentiles and the machine description every benchmark report starts with.
import { execSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';

export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export function printMachine(): void {
  const nats = execSync('nats-server --version 2>/dev/null || /usr/sbin/nats-server --version')
    .toString()
    .trim();
  process.stdout.write(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ${nats}\n`,
  );
}

/** Latency of `count` calls made one after another, in ms. */
export async function sequentialLatencies(call: () => Promise<unknown>, count: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await call();
    samples.push(performance.now() - started);
  }
  return samples;
}

/** Calls per second with `concurrency` callers for `seconds` (bounded by the deadline). */
export async function throughput(
  call: () => Promise<unknown>,
  concurrency: number,
  seconds: number,
): Promise<number> {
  const deadline = Date.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < deadline) {
        await call();
        done++;
      }
    }),
  );
  return done / seconds;
}
