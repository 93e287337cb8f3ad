// How much the fuzz suite sends (IDP_FUZZ_RUNS, default 10,000 REST requests and 10,000 frames after
// authentication, plus a quarter of that before it), with which seed (IDP_FUZZ_SEED, printed so a
// failure can be replayed), and the gateway config it runs with: the shipped one with every rate limit
// out of reach, so the fuzzer tests answers, not the limiter.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

const positive = (value: string | undefined, fallback: number) => {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
};

export const FUZZ_RUNS = positive(process.env.IDP_FUZZ_RUNS, 10_000);
export const FUZZ_SEED = positive(process.env.IDP_FUZZ_SEED, Date.now() % 2 ** 31);
/** Requests in flight at once (one fast-check run is one batch of this many). */
export const REST_CONCURRENCY = 16;
/** WebSocket connections driven at once, and frames each gets per run. */
export const WS_LANES = 4;
export const WS_BATCH = 25;
/** Bound of one test: generous, proportional to the inputs (about 3 ms each on two busy cores). */
export const testTimeoutMs = (inputs: number) => 60_000 + inputs * 20;

const UNREACHABLE = 100_000_000;

/** Every requests_per_minute / requests_per_hour in the tree, however nested, set out of reach. */
function lift(node: unknown): void {
  if (typeof node !== 'object' || node === null) return;
  for (const [key, value] of Object.entries(node)) {
    if (/^requests_per_(minute|hour)$/.test(key) && typeof value === 'number')
      (node as Record<string, unknown>)[key] = UNREACHABLE;
    else lift(value);
  }
}

export async function writeFuzzConfig(shipped: string): Promise<string> {
  const config = parse(await readFile(shipped, 'utf8')) as Record<string, Record<string, unknown>>;
  lift(config.rate_limits);
  config.realtime = {
    ...config.realtime,
    messages_per_second: 10_000,
    message_burst: 100_000,
    rate_limit_close_after: 10_000,
  };
  const dir = await mkdtemp(join(tmpdir(), 'idp-fuzz-'));
  const file = join(dir, 'gateway.yaml');
  await writeFile(file, stringify(config));
  return file;
}
