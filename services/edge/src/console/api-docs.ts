// The OpenAPI document rendered for people at /api/v1/docs with Swagger UI, served from the
// swagger-ui-dist package (no CDN): a page, its start-up script, and the two package files it needs.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { contentSecurityPolicy, PAGE_HEADERS } from './security-headers.js';

/** The package files the page loads; nothing else of the package is reachable. */
const SWAGGER_FILES = new Set(['/swagger-ui.css', '/swagger-ui-bundle.js', '/favicon-32x32.png']);

export interface ApiDocsOptions {
  /** `/api/v1`: the page is `${prefix}/docs`, the document `${prefix}/openapi.json`. */
  prefix: string;
}

export async function registerApiDocs(app: FastifyInstance, options: ApiDocsOptions): Promise<void> {
  const base = `${options.prefix}/docs`;
  const swaggerDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const page = docsPage(base);
  const startScript = `// Renders the gateway's OpenAPI document (served by the edge).
window.ui = SwaggerUIBundle({ url: ${JSON.stringify(`${options.prefix}/openapi.json`)}, dom_id: '#swagger-ui', deepLinking: true });
`;
  await app.register(async (scope) => {
    scope.addHook('onSend', async (_request, reply) => {
      reply.headers(PAGE_HEADERS);
      reply.header('content-security-policy', contentSecurityPolicy());
    });
    scope.get(base, async (_request, reply) => reply.type('text/html; charset=utf-8').send(page));
    scope.get(`${base}/start.js`, async (_request, reply) =>
      reply.type('text/javascript; charset=utf-8').send(startScript),
    );
    await scope.register(fastifyStatic, {
      root: swaggerDir,
      prefix: `${base}/`,
      index: false,
      decorateReply: false,
      allowedPath: (pathName) => SWAGGER_FILES.has(pathName),
    });
  });
}

function docsPage(base: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>IDP API reference</title>
<link rel="icon" type="image/png" href="${base}/favicon-32x32.png">
<link rel="stylesheet" href="${base}/swagger-ui.css">
</head>
<body>
<main id="swagger-ui" aria-label="API reference"></main>
<script src="${base}/swagger-ui-bundle.js"></script>
<script src="${base}/start.js"></script>
</body>
</html>
`;
}
