// The edge's pages for people: the API docs (always) and the web console (when its files are there).
import type { Logger } from '@idp/observability';
import type { FastifyInstance } from 'fastify';
import { registerApiDocs } from './api-docs.js';
import type { ConsoleOptions } from './config.js';
import { registerConsole } from './console-routes.js';

export { ConsoleEnv, type ConsoleOptions, consoleOptionsFromEnv } from './config.js';

export async function registerWebUi(
  app: FastifyInstance,
  options: { apiPrefix: string; console?: ConsoleOptions; logger: Logger },
): Promise<void> {
  await registerApiDocs(app, { prefix: options.apiPrefix });
  if (options.console) await registerConsole(app, options.console, options.logger);
}
