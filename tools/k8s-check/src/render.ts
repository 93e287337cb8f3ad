// Renders k8s/ the way an operator does (`kubectl kustomize`), but from a copy whose secrets/ folder
// holds values made for this run: the real k8s/secrets/ of a developer's machine is never read.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { kustomize, type RenderResult } from './kubectl.js';
import type { K8sObject } from './objects.js';
import { type GeneratedSecrets, makeSecrets, writeSecretFiles } from './secret-files.js';

export const repoRoot = new URL('../../../', import.meta.url).pathname;
export const k8sDir = join(repoRoot, 'k8s');

export interface Rendered {
  text: string;
  objects: K8sObject[];
  secrets: GeneratedSecrets;
}

/** A copy of k8s/ without its secrets/ folder, in a fresh temporary directory. */
export function copyK8s(): { dir: string; cleanup(): void } {
  const root = mkdtempSync(join(tmpdir(), 'idp-k8s-check-'));
  const dir = join(root, 'k8s');
  cpSync(k8sDir, dir, {
    recursive: true,
    filter: (source) => relative(k8sDir, source).split(sep)[0] !== 'secrets',
  });
  return { dir, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export function parseObjects(text: string): K8sObject[] {
  return parseAllDocuments(text).map((document) => {
    if (document.errors.length) throw new Error(`rendered YAML: ${document.errors[0]?.message}`);
    return document.toJSON() as K8sObject;
  });
}

/** Renders a copy of k8s/ with every secret file present except those in `omit`. */
export async function renderCopy(
  omit: string[] = [],
  made?: GeneratedSecrets,
): Promise<RenderResult & { secrets: GeneratedSecrets }> {
  const copy = copyK8s();
  try {
    const secrets = made ?? (await makeSecrets());
    writeSecretFiles(copy.dir, secrets, omit);
    return { ...kustomize(copy.dir), secrets };
  } finally {
    copy.cleanup();
  }
}

export async function render(): Promise<Rendered> {
  const result = await renderCopy();
  if (result.status !== 0) throw new Error(`kubectl kustomize failed: ${result.stderr}`);
  return { text: result.stdout, objects: parseObjects(result.stdout), secrets: result.secrets };
}
