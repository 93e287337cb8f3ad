// The keys of k8s/nats.conf that the image's nats-server knows and the local one refuses. The tests
// run the rendered config on the local server (Debian's 2.9.10), which stops at a key it does not
// know; they leave out exactly the keys named here, and test/nats.test.ts proves the list exact: the
// local server names each of them, and nothing else, as an unknown field of the rendered config. When
// the local server learns one (a newer package), that test fails: take the key off the list.

/** sync_interval: nats-server 2.10+ (the image is 2.12); 2.9 refuses it. */
export const UNKNOWN_TO_LOCAL_SERVER: readonly string[] = ['sync_interval'];

/** The fields `nats-server -t` reports as unknown: `<file>:<line>:<col>: unknown field "<name>"`. */
export function unknownFields(output: string): string[] {
  return [...output.matchAll(/unknown field "([^"]+)"/g)].map((match) => match[1]!);
}

/** The config without the lines that set `keys`; fails if one is not set, so the list cannot go stale. */
export function withoutKeys(config: string, keys: readonly string[]): string {
  let result = config;
  for (const key of keys) {
    const setting = new RegExp(`^[ \\t]*${key}[ \\t]*[:=].*\\n?`, 'gm');
    const next = result.replace(setting, '');
    if (next === result) throw new Error(`nats.conf no longer sets ${key}: take it off the list`);
    result = next;
  }
  return result;
}
