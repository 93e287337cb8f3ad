// Where the container tooling keeps its git-ignored cache and state, and the names it gives things.
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Downloads (Node, npm), the base rootfs while it is built, NATS keys and the running system's state. */
export const CACHE_DIR = `${ROOT}.cache/containers`;

/** The image every other one is built on, when no registry can give us node:24-bookworm-slim. */
export const BASE_IMAGE = 'localhost/idp-base:bookworm-node24';
export const SERVICES = ['auth', 'ratelimit', 'platform', 'realtime', 'edge'] as const;
export type Service = (typeof SERVICES)[number];

export const serviceImage = (service: Service | 'nats', tag: string) => `localhost/idp-${service}:${tag}`;
