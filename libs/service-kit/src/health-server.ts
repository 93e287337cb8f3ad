// A tiny HTTP listener for orchestrators' probes, for services that serve no HTTP of their own:
// GET /healthz answers while the process runs, GET /readyz while the service says it is ready.
import { createServer, type Server } from 'node:http';

export async function startHealthServer(port: number, ready: () => boolean): Promise<Server> {
  const server = createServer((request, response) => {
    const ok = request.url === '/healthz' ? true : request.url === '/readyz' ? ready() : undefined;
    response.statusCode = ok === undefined ? 404 : ok ? 200 : 503;
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ status: ok ? 'ok' : ok === undefined ? 'not found' : 'not ready' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '0.0.0.0', resolve);
  });
  return server;
}
