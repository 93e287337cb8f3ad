// Finds kubectl and renders a kustomization with it (`kubectl kustomize`, the command operators run).
// kubectl must embed kustomize v4 or newer (kubectl 1.21+): the kustomization uses `envs`, which the
// kustomize v2 of older kubectl builds (Debian bookworm's kubernetes-client 1.20 among them) rejects.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface RenderResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function kubectlBinary(): string {
  const candidates = [process.env.KUBECTL];
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir) candidates.push(join(dir, 'kubectl'));
  candidates.push('/usr/bin/kubectl', '/usr/local/bin/kubectl');
  const found = candidates.find((c) => c && existsSync(c));
  if (!found) {
    throw new Error(
      'kubectl not found: the k8s checks render k8s/ with `kubectl kustomize` (kubectl 1.21 or newer). ' +
        'Install kubectl, or point KUBECTL at one.',
    );
  }
  return found;
}

export function kustomize(dir: string): RenderResult {
  const result = spawnSync(kubectlBinary(), ['kustomize', dir], {
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
