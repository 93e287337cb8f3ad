// Serves the web console at /console: its static ES modules and styles (tools/console/src), the
// vendor modules, and /console/config.json telling the page where the realtime endpoint is.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { Logger } from '@idp/observability';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ConsoleOptions } from './config.js';
import { contentSecurityPolicy, inlineImportMapHashes, PAGE_HEADERS } from './security-headers.js';
import { loadVendorModules } from './vendor-modules.js';

export const CONSOLE_PREFIX = '/console';

/** Registers the console; false (and a log line) when its folder is absent, so the edge runs without. */
export async function registerConsole(
  app: FastifyInstance,
  options: ConsoleOptions,
  logger: Logger,
): Promise<boolean> {
  const indexFile = join(options.dir, 'index.html');
  if (!existsSync(indexFile)) {
    logger.info({ dir: options.dir }, 'web console off: no index.html there (set IDP_CONSOLE_DIR)');
    return false;
  }
  let vendor: Map<string, string>;
  try {
    vendor = loadVendorModules(options.dir);
  } catch (error) {
    // An image installed without the console's packages still serves the API.
    logger.warn({ dir: options.dir, err: error }, 'web console off: its browser modules are not installed');
    return false;
  }
  const indexHtml = readFileSync(indexFile, 'utf8');
  const scriptHashes = inlineImportMapHashes(indexHtml);

  await app.register(async (scope) => {
    scope.addHook('onSend', async (request, reply) => {
      reply.headers(PAGE_HEADERS);
      const ws = realtimeEndpoint(request, options);
      reply.header('content-security-policy', contentSecurityPolicy({ scriptHashes, connect: ws.origin }));
      // Always revalidated: a new deployment must never run with a stale module graph.
      reply.header('cache-control', 'no-cache');
    });
    scope.get(CONSOLE_PREFIX, async (_request, reply) => reply.redirect(`${CONSOLE_PREFIX}/`, 301));
    scope.get(`${CONSOLE_PREFIX}/`, async (_request, reply) =>
      reply.type('text/html; charset=utf-8').send(indexHtml),
    );
    scope.get(`${CONSOLE_PREFIX}/config.json`, async (request) => ({
      ws_url: realtimeEndpoint(request, options).url,
    }));
    scope.get<{ Params: { name: string } }>(`${CONSOLE_PREFIX}/vendor/:name`, async (request, reply) => {
      const source = vendor.get(request.params.name);
      if (source === undefined) return reply.callNotFound();
      return reply.type('text/javascript; charset=utf-8').send(source);
    });
    await scope.register(fastifyStatic, {
      root: options.dir,
      prefix: `${CONSOLE_PREFIX}/`,
      index: false,
      decorateReply: false,
      dotfiles: 'deny',
      cacheControl: false,
    });
  });
  logger.info({ dir: options.dir, path: `${CONSOLE_PREFIX}/` }, 'web console on');
  return true;
}

/**
 * The `/ws/v1` URL the page should open and the CSP source that allows it. Without a configured URL:
 * the host the browser reached the edge with, on realtime's port (as `npm start` runs them).
 */
function realtimeEndpoint(
  request: FastifyRequest,
  options: ConsoleOptions,
): { url: string; origin: string[] } {
  if (options.wsUrl?.startsWith('/')) return { url: options.wsUrl, origin: [] };
  if (options.wsUrl) return { url: options.wsUrl, origin: [new URL(options.wsUrl).origin] };
  const scheme = request.protocol === 'https' ? 'wss' : 'ws';
  // The Host header is the client's own: accept only a host name or address, nothing to inject.
  const host = /^[A-Za-z0-9.-]+$|^\[[0-9A-Fa-f:.]+\]$/.test(request.hostname)
    ? request.hostname
    : '127.0.0.1';
  const origin = `${scheme}://${host}:${options.wsPort}`;
  return { url: `${origin}/ws/v1`, origin: [origin] };
}
