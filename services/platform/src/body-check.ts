// Every write body is checked against the contract's schema again before anything is stored. The
// edge checked it already; the platform checks it too because what it stores must respect the
// contract's bounds (StoredDataLimits) whoever sent it: an event folded on every restart must never
// make a later read fail.
import { ApiError, type RouteDef, type RpcRequest } from '@idp/contracts';
import { Compile } from 'typebox/compile';

type Validator = ReturnType<typeof Compile>;
interface BodyValidators {
  body?: Validator;
  byResourceType?: Record<string, Validator>;
}

/** Compiles each route's body schema once; the returned check throws VALIDATION_ERROR naming the field. */
export function compileBodyChecks(routes: readonly RouteDef[]): (route: string, request: RpcRequest) => void {
  const byRoute = new Map<string, BodyValidators>();
  for (const route of routes) {
    if (route.body) byRoute.set(route.name, { body: Compile(route.body) });
    else if (route.bodyByResourceType) {
      const byResourceType = Object.fromEntries(
        Object.entries(route.bodyByResourceType).map(([type, schema]) => [type, Compile(schema)]),
      );
      byRoute.set(route.name, { byResourceType });
    }
  }
  return (name, request) => {
    const validators = byRoute.get(name);
    if (!validators) return;
    const check = validators.body ?? validators.byResourceType?.[request.params.type ?? ''];
    if (!check) {
      throw new ApiError('VALIDATION_ERROR', 'Unknown resource type', { field: 'type', location: 'params' });
    }
    const body = request.body ?? {};
    if (check.Check(body)) return;
    const error = [...check.Errors(body)].find((e) => e.keyword !== 'anyOf' && e.keyword !== 'boolean');
    const field = (error?.instancePath ?? '').slice(1).replaceAll('/', '.') || 'body';
    const reason = error?.message ?? 'is invalid';
    throw new ApiError('VALIDATION_ERROR', `Invalid body: '${field}' ${reason}`, {
      field,
      reason,
      location: 'body',
    });
  };
}
