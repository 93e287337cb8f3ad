// Generated requests to every write endpoint of the route table (method POST, PUT or DELETE): path
// parameters, query strings, headers, credentials and bodies, from valid to hostile.
import { RESOURCE_PATH_NAMES, type RouteDef, Routes } from '@idp/contracts';
import fc from 'fast-check';
import { hostileValue, nearlyValid, valueFor } from './schema-arbitrary.js';

export const WRITE_ROUTES = (Routes as readonly RouteDef[]).filter((r) => r.method !== 'GET');

/** Who sends it: resolved to a header by the runner (tokens are minted once). */
export type Credential = 'admin' | 'viewer' | 'team-viewer' | 'other-tenant' | 'none' | 'garbage' | 'api-key';

export interface RestInput {
  route: string;
  method: string;
  /** After /api/v1, with its query string. */
  url: string;
  headers: Record<string, string>;
  credential: Credential;
  /** The raw body text; undefined sends none. */
  body?: string;
}

/** Ids of real objects of the fuzzed tenant, by path parameter name. */
export type KnownIds = Record<string, string[]>;

const token = (s: string) => s.replace(/[^\x21-\x7e]/g, '');
const headerValue = fc
  .oneof(
    fc.string({ maxLength: 60 }),
    fc.string({ unit: 'binary-ascii', maxLength: 60 }),
    fc.constantFrom('', '*', '"3"', 'W/"7"', '"', 'null', 'x'.repeat(4_000)),
  )
  // What an HTTP client can put in a header at all: visible ASCII, spaces and tabs.
  .map((s) => s.replace(/[^\x20-\x7e\t]/g, '').trim());

const contentType = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'application/JSON',
      'application/merge-patch+json',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/json; charset=latin1',
      '',
      'garbage/type',
    ),
  },
);

const extraHeaders = fc.dictionary(
  fc.constantFrom(
    'if-match',
    'x-request-id',
    'traceparent',
    'accept',
    'accept-encoding',
    'cache-control',
    'if-none-match',
    'x-forwarded-for',
    'origin',
    'x-http-method-override',
    'x-fuzz',
  ),
  headerValue,
  { maxKeys: 4 },
);

function segment(name: string, known: KnownIds): fc.Arbitrary<string> {
  const real = known[name] ?? [];
  const plausible =
    name === 'type'
      ? fc.constantFrom(...RESOURCE_PATH_NAMES)
      : fc.stringMatching(/^[a-z]{2,5}_[A-Za-z0-9]{1,20}$/);
  return fc.oneof(
    { weight: 4, arbitrary: real.length > 0 ? fc.constantFrom(...real) : plausible },
    { weight: 3, arbitrary: plausible },
    {
      weight: 2,
      arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).map(encodeURIComponent),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom('..', '%2e%2e', '%2F', '%00', '%zz', 'a'.repeat(300), '%C0%AF', '~', '.'),
    },
  );
}

const queryString = fc.oneof(
  { weight: 3, arbitrary: fc.constant('') },
  {
    weight: 3,
    arbitrary: fc
      .dictionary(
        fc.oneof(
          fc.constantFrom('page', 'per_page', 'team_id', 'status', '__proto__'),
          fc.string({ maxLength: 12 }),
        ),
        fc.oneof(fc.string({ maxLength: 30 }), fc.integer().map(String)),
        { maxKeys: 4 },
      )
      .map((q) => `?${new URLSearchParams(q).toString()}`),
  },
  {
    weight: 1,
    arbitrary: fc
      .string({ unit: 'binary-ascii', maxLength: 60 })
      .map((s) => `?${token(s).replace(/#/g, '%23')}`),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('?a=1&a=2', '?page[]=1', '?per_page=1e9', '?=&&=', '?%', '?page=-1'),
  },
);

const bodies = new Map<string, fc.Arbitrary<string | undefined>>();

/** Built once per route and resource type: building a pattern's generator costs far more than using it. */
function bodyFor(route: RouteDef, type: string): fc.Arbitrary<string | undefined> {
  const schemaType = route.bodyByResourceType && Object.hasOwn(route.bodyByResourceType, type) ? type : '';
  const key = `${route.name} ${schemaType}`;
  let arbitrary = bodies.get(key);
  if (!arbitrary) {
    arbitrary = buildBody(route, schemaType);
    bodies.set(key, arbitrary);
  }
  return arbitrary;
}

function buildBody(route: RouteDef, type: string): fc.Arbitrary<string | undefined> {
  const schema = (route.bodyByResourceType?.[type as never] ?? route.body) as
    | Record<string, unknown>
    | undefined;
  const json = (a: fc.Arbitrary<unknown>) => a.map((v) => JSON.stringify(v) ?? 'null');
  const shaped = schema
    ? [
        { weight: 4, arbitrary: json(valueFor(schema)) },
        { weight: 4, arbitrary: json(nearlyValid(schema)) },
      ]
    : [];
  return fc.oneof(
    ...shaped,
    { weight: 2, arbitrary: json(hostileValue) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.string({ maxLength: 100 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '{',
        '{"a":1,}',
        '{"__proto__":{"admin":true}}',
        '{"constructor":{"prototype":{"x":1}}}',
        '{"name":"x","name":"y"}',
        `${'['.repeat(3_000)}${']'.repeat(3_000)}`,
        `{"a":${'{"a":'.repeat(200)}1${'}'.repeat(200)}}`,
        `"${'x'.repeat(20_000)}"`,
        '1e999999',
        '\uFEFF{}',
        'null',
        '[]',
      ),
    },
  );
}

function inputFor(route: RouteDef, known: KnownIds): fc.Arbitrary<RestInput> {
  const params = [...route.path.matchAll(/:([a-z_]+)/g)].map((m) => m[1]!);
  return fc
    .record({
      values: fc.tuple(...params.map((p) => segment(p, known))),
      query: queryString,
      contentType,
      extra: extraHeaders,
      credential: fc.constantFrom<Credential>(
        'admin',
        'admin',
        'admin',
        'admin',
        'admin',
        'viewer',
        'team-viewer',
        'other-tenant',
        'none',
        'garbage',
        'api-key',
      ),
    })
    .chain(({ values, query, contentType, extra, credential }) => {
      let path = route.path;
      params.forEach((p, i) => {
        path = path.replace(`:${p}`, values[i]!);
      });
      const type = params.includes('type') ? safeDecode(values[params.indexOf('type')]!) : '';
      return bodyFor(route, type).map((body) => ({
        route: route.name,
        method: route.method,
        url: `${path}${query}`,
        headers: { ...(contentType && body !== undefined ? { 'content-type': contentType } : {}), ...extra },
        credential,
        ...(body === undefined ? {} : { body }),
      }));
    });
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** One generated request to any write endpoint (each endpoint equally likely). */
export function restInput(known: KnownIds): fc.Arbitrary<RestInput> {
  return fc.oneof(...WRITE_ROUTES.map((route) => inputFor(route, known)));
}
