// CPU time of processes from /proc (user + system), so a path can be charged the CPU it cost per request:
// unlike req/s, that number barely moves when other work on the machine takes CPU from the benchmark.
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** User + system CPU of a process so far, in µs; 0 once it is gone. */
export function cpuMicros(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** The nats-server listening on `port` (started by libs/testing, which does not hand out its pid). */
export function natsServerPid(port: number): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (args[0]?.endsWith('nats-server') && args[args.indexOf('-p') + 1] === String(port))
        return Number(entry);
    } catch {}
  }
  return undefined;
}

/** Total CPU of a group of processes, in µs. */
export const groupCpuMicros = (pids: number[]): number => pids.reduce((sum, pid) => sum + cpuMicros(pid), 0);
