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
