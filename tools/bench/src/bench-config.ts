// The gateway configs benchmarks run with: the shipped one, with every limit still checked but set high
// enough that the benchmark's load passes (the shipped limits would turn most of it into refusals).
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RealtimeConfig } from '@idp/config';
import { parse, stringify } from 'yaml';

// biome-ignore lint/suspicious/noExplicitAny: the parsed YAML is edited in place, then checked by the services
async function writeShippedWith(root: string, edit: (config: any) => void): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'idp-bench-')), 'gateway.yaml');
  const config = parse(await readFile(join(root, 'config/gateway.yaml'), 'utf8'));
  edit(config);
  await writeFile(path, stringify(config));
  return path;
}

/** REST benchmarks: every rate limit high. */
export function writeBenchConfig(root: string): Promise<string> {
  const high = { requests_per_minute: 100_000_000 };
  return writeShippedWith(root, (config) =>
    Object.assign(config.rate_limits, {
      global: high,
      per_user: high,
      per_tenant: high,
      tiers: {},
      by_endpoint: {},
    }),
  );
}

/**
 * The realtime benchmark: its thousands of sockets come from one address and one principal, so the
 * realtime service's connection caps (those its config schema has) are raised past that load.
 */
export function writeRealtimeBenchConfig(root: string): Promise<string> {
  const caps = ['max_connections', 'max_connections_per_ip', 'max_connections_per_principal'];
  const known = new Set(Object.keys(RealtimeConfig.properties));
  return writeShippedWith(root, (config) => {
    for (const cap of caps) if (known.has(cap)) config.realtime[cap] = 100_000;
  });
}
