// Runs wrk (Debian package `wrk`) against one URL and reads its summary: req/s, p50, p99, non-2xx.
import { execFileSync } from 'node:child_process';

export interface WrkResult {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

export interface WrkOptions {
  seconds: number;
  connections: number;
  headers?: Record<string, string>;
  /** taskset CPU list for the load generator, e.g. "1". */
  cpus?: string;
}

/** wrk prints latencies as 812.00us, 4.21ms or 1.02s. */
export function parseDurationMs(text: string | undefined): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text ?? '');
  if (!match) return Number.NaN;
  const value = Number(match[1]);
  const scale = { us: 0.001, ms: 1, s: 1000, m: 60_000 }[match[2] as 'us' | 'ms' | 's' | 'm'];
  return value * scale;
}

export function parseWrk(out: string): WrkResult {
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? Number.NaN),
    p50Ms: parseDurationMs(/\s50%\s+([\d.]+\w+)/.exec(out)?.[1]),
    p99Ms: parseDurationMs(/\s99%\s+([\d.]+\w+)/.exec(out)?.[1]),
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
    errors: socketErrors ? socketErrors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0,
  };
}

export function wrk(url: string, options: WrkOptions): WrkResult {
  if (!url.startsWith('http://127.0.0.1:')) throw new Error(`bench: loopback only, not ${url}`);
  const args = ['-t2', `-c${options.connections}`, `-d${options.seconds}s`, '--latency'];
  for (const [k, v] of Object.entries(options.headers ?? {})) args.push('-H', `${k}: ${v}`);
  args.push(url);
  const [command, argv] = options.cpus ? ['taskset', ['-c', options.cpus, 'wrk', ...args]] : ['wrk', args];
  const out = execFileSync(command, argv, { encoding: 'utf8', timeout: (options.seconds + 30) * 1000 });
  return parseWrk(out);
}
