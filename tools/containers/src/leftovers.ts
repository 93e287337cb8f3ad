// What podman holds before the lane and after its teardown: anything new at the end (container, pod,
// secret, volume) was left behind, and fails the lane.
import { podman } from './podman.js';

const KINDS = {
  container: ['ps', '-a', '--format', '{{.Names}}'],
  pod: ['pod', 'ps', '--format', '{{.Name}}'],
  secret: ['secret', 'ls', '--format', '{{.Name}}'],
  volume: ['volume', 'ls', '--format', '{{.Name}}'],
} as const;

/** Every object of podman's, as `<kind> <name>`. */
export async function podmanObjects(): Promise<Set<string>> {
  const found = new Set<string>();
  for (const [kind, args] of Object.entries(KINDS))
    for (const name of (await podman([...args])).split('\n').filter(Boolean)) found.add(`${kind} ${name}`);
  return found;
}

export async function leftSince(before: Set<string>): Promise<string[]> {
  return [...(await podmanObjects())].filter((object) => !before.has(object));
}
