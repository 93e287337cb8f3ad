// Compiles each route's schemas once at start-up and checks params, query and body against them.
// Failures become 400 VALIDATION_ERROR naming the field, as `details.field` / `details.reason`.
import { ApiError, type ResourcePathName, type RouteDef } from '@idp/contracts';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { Value } from 'typebox/value';

type Validator = ReturnType<typeof Compile>;
type Location = 'params' | 'query' | 'body';

export interface ValidatedInput {
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
}

export interface RouteValidator {
  validate(raw: { params: unknown; query: unknown; body: unknown }): ValidatedInput;
}

export function compileRouteValidator(route: RouteDef): RouteValidator {
  const params = route.params ? compile(route.params) : undefined;
  const query = route.query ? compile(route.query) : undefined;
  const body = route.body ? compile(route.body) : undefined;
  const bodyByType = route.bodyByResourceType
    ? (Object.fromEntries(
        Object.entries(route.bodyByResourceType).map(([t, s]) => [t, compile(s)]),
      ) as Record<ResourcePathName, { schema: TSchema; check: Validator }>)
    : undefined;
  const acceptsBody = Boolean(body || bodyByType);

  return {
    validate(raw) {
      const validParams = params ? check(params, raw.params ?? {}, 'params') : {};
      const validQuery = query
        ? check(query, coerce(query.schema, raw.query ?? {}), 'query')
        : rejectUnknownQuery(raw.query);
      let validBody: unknown;
      if (acceptsBody) {
        const compiled =
          body ?? bodyByType?.[(validParams as Record<string, string>).type as ResourcePathName];
        validBody = check(compiled!, raw.body ?? {}, 'body');
      } else if (raw.body !== undefined && raw.body !== null && !isEmptyObject(raw.body)) {
        throw new ApiError('VALIDATION_ERROR', 'This endpoint does not take a request body', {
          field: 'body',
          reason: 'unexpected',
        });
      }
      return {
        params: validParams as Record<string, string>,
        query: validQuery as Record<string, unknown>,
        body: validBody,
      };
    },
  };
}

const compile = (schema: TSchema) => ({ schema, check: Compile(schema) });

/** Query strings are text: turn `?page=2` into a number and fill defaults before checking. */
const coerce = (schema: TSchema, value: unknown) =>
  Value.Default(schema, Value.Convert(schema, structuredClone(value)));

const isEmptyObject = (value: unknown) =>
  typeof value === 'object' && value !== null && Object.keys(value).length === 0;

function rejectUnknownQuery(query: unknown): Record<string, unknown> {
  const keys = Object.keys((query as Record<string, unknown>) ?? {});
  if (keys.length > 0) {
    throw new ApiError('VALIDATION_ERROR', `Unknown query parameter '${keys[0]}'`, {
      field: keys[0],
      reason: 'unknown parameter',
    });
  }
  return {};
}

interface SchemaError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: unknown;
  message: string;
}

function check(compiled: { schema: TSchema; check: Validator }, value: unknown, location: Location): unknown {
  if (compiled.check.Check(value)) return value;
  const errors = [...compiled.check.Errors(value)] as SchemaError[];
  // The deepest error names the field best; anyOf/boolean wrappers only repeat it.
  const best = errors.find((e) => e.keyword !== 'anyOf' && e.keyword !== 'boolean') ?? errors[0];
  const field = fieldName(location, best);
  const allowed = best ? allowedValues(compiled.schema, best) : undefined;
  const reason = allowed
    ? `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`
    : best?.keyword === 'additionalProperties'
      ? isRecord(schemaAt(compiled.schema, best.schemaPath))
        ? 'is not an allowed key'
        : 'is not a known field'
      : best?.keyword === 'required'
        ? 'is required'
        : (best?.message ?? 'is invalid');
  throw new ApiError('VALIDATION_ERROR', `Invalid ${location}: '${field}' ${reason}`, {
    field,
    reason,
    location,
    ...(allowed ? { allowed } : {}),
  });
}

/**
 * For a value outside an enum or a union of literals: the values that are allowed. TypeBox reports a
 * union of literals as one `const` error per member, so the union (the error's parent schema) is read.
 */
function allowedValues(root: TSchema, error: SchemaError): unknown[] | undefined {
  if (error.keyword === 'enum') {
    return (error.params as { allowedValues?: unknown[] }).allowedValues;
  }
  if (error.keyword !== 'const') return undefined;
  const union = schemaAt(root, error.schemaPath.split('/').slice(0, -2).join('/')) as
    | { anyOf?: Array<{ const?: unknown }> }
    | undefined;
  const members = union?.anyOf;
  if (!members?.every((m) => 'const' in m))
    return [(error.params as { allowedValue?: unknown }).allowedValue];
  return members.map((m) => m.const);
}

/** The schema a `#/properties/a/anyOf/0`-style path points to inside `root`. */
function schemaAt(root: unknown, schemaPath: string): unknown {
  let node = root;
  for (const segment of schemaPath.replace(/^#\/?/, '').split('/').filter(Boolean)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[segment.replaceAll('~1', '/').replaceAll('~0', '~')];
  }
  return node;
}

const isRecord = (schema: unknown) =>
  typeof schema === 'object' && schema !== null && 'patternProperties' in schema;

function fieldName(location: Location, error: SchemaError | undefined): string {
  const path = (error?.instancePath ?? '').slice(1).replaceAll('/', '.');
  const params = (error?.params ?? {}) as Record<string, unknown>;
  if (error?.keyword === 'required') {
    const missing = (params.requiredProperties as string[] | undefined)?.[0];
    return [path, missing].filter(Boolean).join('.') || location;
  }
  if (error?.keyword === 'additionalProperties') {
    const extra = (params.additionalProperties as string[] | undefined)?.[0];
    return [path, extra].filter(Boolean).join('.') || location;
  }
  return path || location;
}
