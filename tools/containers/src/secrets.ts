// Podman secrets of the system: auth's secret variables, made from files when it comes up, handed to
// the one container that needs them (`--secret …,type=env`), removed when it goes down.
import { LABEL, PREFIX, type SecretUse } from './layout.js';
import { podman } from './podman.js';

export async function createSecret(name: string, file: string): Promise<void> {
  await podman(['secret', 'create', '--label', LABEL, name, file]);
}

export function secretArgs(uses: SecretUse[]): string[] {
  return uses.flatMap((use) => ['--secret', `${use.name},type=env,target=${use.target}`]);
}

/** Removes every secret of ours (by prefix: podman 4.3 cannot filter secrets by label). */
export async function removeSecrets(prefix = PREFIX): Promise<string[]> {
  const names = (await podman(['secret', 'ls', '--format', '{{.Name}}'])).split('\n').filter(Boolean);
  const ours = names.filter((name) => name.startsWith(`${prefix}-`));
  if (ours.length > 0) await podman(['secret', 'rm', ...ours]);
  return ours;
}
