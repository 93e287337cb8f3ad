// The gateway config benchmarks run with: the shipped one, with every rate limit still checked but set
// high enough that the load passes (the shipped limits would turn most of it into 429s).
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

export async function writeBenchConfig(root: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'idp-bench-')), 'gateway.yaml');
  const config = parse(await readFile(join(root, 'config/gateway.yaml'), 'utf8'));
  const high = { requests_per_minute: 100_000_000 };
  Object.assign(config.rate_limits, {
    global: high,
    per_user: high,
    per_tenant: high,
    tiers: {},
    by_endpoint: {},
  });
  await writeFile(path, stringify(config));
  return path;
}
