// Builds every image from the one Dockerfile: each service's and the NATS image, tagged with the
// commit (localhost/idp-<service>:<sha>), on the local base image. Podman's layer cache makes a
// second run quick; only the base image is skipped outright when it exists.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureBaseImage } from './base-image.js';
import { BASE_IMAGE, CACHE_DIR, ROOT, SERVICES, type Service, serviceImage } from './paths.js';
import { podman, run } from './podman.js';

/**
 * A machine behind a TLS-intercepting proxy trusts its CA through NODE_EXTRA_CA_CERTS; npm inside the
 * build needs the same file, mounted read-only for the RUN steps (never copied into a layer).
 */
function hostCaArgs(): string[] {
  const file = process.env.NODE_EXTRA_CA_CERTS;
  if (!file || !existsSync(file)) return [];
  return ['--volume', `${file}:/run/host-ca.crt:ro`, '--build-arg', 'NODE_EXTRA_CA_CERTS=/run/host-ca.crt'];
}

/** The tag of this checkout's images: its commit, or IDP_IMAGE_TAG (another commit's images). */
export async function imageTag(): Promise<string> {
  if (process.env.IDP_IMAGE_TAG) return process.env.IDP_IMAGE_TAG;
  const result = await run('git', ['-C', ROOT, 'rev-parse', '--short=12', 'HEAD'], { env: process.env });
  if (result.code !== 0)
    throw new Error(`cannot read the commit to tag images with: ${result.stderr.trim()}`);
  return result.stdout.trim();
}

/**
 * The build context: the commit itself (git archive), not the working tree. An image tagged with a
 * commit then holds exactly that commit, and edits made while building cannot invalidate the cache.
 */
async function commitContext(tag: string): Promise<string> {
  const dir = join(CACHE_DIR, 'context', tag);
  if (existsSync(join(dir, 'Dockerfile'))) return dir;
  await rm(join(CACHE_DIR, 'context'), { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const archive = spawn('git', ['-C', ROOT, 'archive', '--format=tar', tag], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const result = await run('tar', ['-x', '-C', dir], {
    input: archive.stdout,
    env: process.env,
    timeoutMs: 120_000,
  });
  if (result.code !== 0) throw new Error(`cannot unpack commit ${tag}: ${result.stderr.trim()}`);
  return dir;
}

/** Builds one target of the Dockerfile (a service's name, or nats). */
async function build(target: Service | 'nats', image: string, base: string) {
  const started = Date.now();
  const args = ['build', '--format', 'docker', '--network', 'host', '--layers', '--target', target];
  args.push('--build-arg', `BASE_IMAGE=${base}`, ...hostCaArgs());
  const context = await commitContext(image.split(':').at(-1)!);
  args.push('--tag', image, '--file', join(context, 'Dockerfile'), context);
  await podman(args, { timeoutMs: 1_200_000, echo: process.env.IDP_IMAGES_VERBOSE === '1' });
  process.stdout.write(`${image}: built in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

/**
 * Removes the images of other commits and old unused layers: every commit adds a few hundred MB, and
 * only the newest is run. The base image stays.
 */
async function removeOlderImages(tag: string) {
  const names = await podman([
    'images',
    '--format',
    '{{.Repository}}:{{.Tag}}',
    '--filter',
    'reference=localhost/idp-*',
  ]);
  const older = names
    .split('\n')
    .filter((name) => name && name !== BASE_IMAGE && !name.endsWith(`:${tag}`) && !name.endsWith(':<none>'));
  if (older.length > 0) await podman(['rmi', ...older]);
  // Untagged layers of the last day are the build cache of the next commit (npm ci above all): kept.
  await podman(['image', 'prune', '--force', '--filter', 'until=24h'], { timeoutMs: 300_000 });
}

/** Builds the base (once) and every image of this commit; returns the tag. */
export async function buildImages(): Promise<string> {
  const base = await ensureBaseImage();
  const tag = await imageTag();
  for (const target of ['nats', ...SERVICES] as const) await build(target, serviceImage(target, tag), base);
  await removeOlderImages(tag);
  return tag;
}
