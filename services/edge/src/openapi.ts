// Generates the OpenAPI 3.1 document from the route table and its TypeBox schemas (which are JSON Schema).
import { ErrorEnvelope, RESOURCE_PATH_NAMES, type RouteDef, Routes } from '@idp/contracts';
import type { TObject } from 'typebox';

const toOpenApiPath = (path: string) => `/api/v1${path.replace(/:([a-z_]+)/g, '{$1}')}`;

function parameters(schema: TObject | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: property,
  }));
}

function requestBody(route: RouteDef) {
  if (route.body) return { required: true, content: { 'application/json': { schema: route.body } } };
  if (route.bodyByResourceType) {
    const oneOf = RESOURCE_PATH_NAMES.map((name) => ({ title: name, ...route.bodyByResourceType![name] }));
    return { required: true, content: { 'application/json': { schema: { oneOf } } } };
  }
  return undefined;
}

function operation(route: RouteDef) {
  const success = route.longRunning ? '202' : route.method === 'POST' ? '201' : '200';
  return {
    operationId: route.name,
    summary: `${route.method} ${route.path}`,
    'x-permission': route.permission,
    parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
    ...(requestBody(route) ? { requestBody: requestBody(route) } : {}),
    security: [{ bearer: [] }],
    responses: {
      [success]: { description: 'Success envelope (spec §3.3.1)' },
      default: {
        description: 'Error envelope (spec §3.3.2)',
        content: { 'application/json': { schema: ErrorEnvelope } },
      },
    },
  };
}

export function buildOpenApiDocument(version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of Routes as readonly RouteDef[]) {
    const path = toOpenApiPath(route.path);
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: { title: 'IDP Platform API', version },
    servers: [{ url: '/' }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    paths,
  };
}
