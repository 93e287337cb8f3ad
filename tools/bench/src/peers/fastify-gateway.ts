// The REST peer: the gateway a Node team would assemble by hand from fastify's own plugins, doing the
// same work per request as our edge's steady state: verify the HS256 bearer token (@fastify/jwt),
// count the caller against a rate limit (@fastify/rate-limit, in memory, keyed by the token's subject,
// limit set high like the bench config of ours) and proxy to one HTTP backend (@fastify/http-proxy).
//   argv: <port> <backend port> <jwt secret>
import proxy from '@fastify/http-proxy';
import jwt from '@fastify/jwt';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyRequest } from 'fastify';

const [port, backendPort, secret] = process.argv.slice(2);
if (!port || !backendPort || !secret)
  throw new Error('usage: fastify-gateway <port> <backend port> <secret>');

const app = Fastify({ logger: false });
await app.register(jwt, { secret });
app.addHook('onRequest', async (request, reply) => {
  try {
    await request.jwtVerify();
  } catch {
    return reply
      .code(401)
      .send({ success: false, error: { code: 'UNAUTHORIZED', message: 'Invalid token' } });
  }
});
await app.register(rateLimit, {
  max: 100_000_000,
  timeWindow: '1 minute',
  keyGenerator: (request: FastifyRequest) =>
    String((request.user as { sub?: string } | undefined)?.sub ?? request.ip),
});
await app.register(proxy, {
  upstream: `http://127.0.0.1:${backendPort}`,
  prefix: '/api/v1',
  rewritePrefix: '/api/v1',
});
await app.listen({ port: Number(port), host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ msg: 'service ready', port: Number(port) })}\n`);
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
