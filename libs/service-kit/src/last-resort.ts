// The last line of defence of a long-running service: an error that escaped every handler is logged
// and the process keeps serving. Exiting would turn one bad request into an outage for everyone, and
// a request replayed after the restart (or a stored event folded again) would do it again.
import type { Logger } from '@idp/observability';

let installed: Logger | undefined;

/**
 * Logs unhandled rejections and uncaught exceptions instead of exiting. Call once, early in main.ts;
 * later calls are no-ops (so runService and a main.ts that also calls it do not log twice).
 */
export function installLastResortHandlers(logger: Logger): void {
  if (installed) return;
  installed = logger;
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled promise rejection (a bug): logged, still serving');
  });
  process.on('uncaughtException', (error, origin) => {
    logger.error({ err: error, origin }, 'uncaught exception (a bug): logged, still serving');
  });
}
