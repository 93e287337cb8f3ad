// What the edge's hooks attach to each request.
import type { Principal } from '@idp/contracts';
import type { RequestContext } from '@idp/nats';

declare module 'fastify' {
  interface FastifyRequest {
    requestContext: RequestContext;
    principal?: Principal;
  }
}
