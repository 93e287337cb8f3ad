// The image's HEALTHCHECK: asks the service's own readiness probe. A service with IDP_HEALTH_PORT serves
// it there; otherwise the edge answers on its REST port and realtime on its WebSocket port.
const env = process.env;
const listener = { edge: env.IDP_HTTP_PORT ?? '8080', realtime: env.IDP_WS_PORT ?? '8081' }[env.SERVICE];
const port = env.IDP_HEALTH_PORT ?? listener;
if (!port) {
  process.stderr.write(`no readiness probe: set IDP_HEALTH_PORT for ${env.SERVICE}\n`);
  process.exit(1);
}
try {
  const res = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2500) });
  process.exit(res.ok ? 0 : 1);
} catch (error) {
  process.stderr.write(`readiness probe on ${port}: ${error.message}\n`);
  process.exit(1);
}
