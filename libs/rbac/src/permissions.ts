// Permission strings of spec §5.2: `resource:action` or `resource:type:action`, `*` matching any segment.
import { PERMISSION_PATTERN } from '@idp/contracts';

/** Normalises to three segments: `application:read` → `application:*:read`, `*:*` → `*:*:*`. */
function segments(permission: string): [string, string, string] {
  const parts = permission.split(':');
  if (parts.length === 3) return parts as [string, string, string];
  if (parts.length === 2) return [parts[0]!, '*', parts[1]!];
  return [permission, '*', '*'];
}

/**
 * Does a granted permission cover a required one? A `*` in the grant covers any value. A `*` in the
 * requirement means "every value", so only a grant with `*` at that place covers it: a grant of
 * `resource:database:read` does not meet `resource:*:read`.
 */
export function permissionCovers(granted: string, required: string): boolean {
  const g = segments(granted);
  const r = segments(required);
  return g.every((segment, i) => segment === '*' || segment === r[i]);
}

/**
 * Does a grant allow at least one of the permissions a wildcard requirement stands for? Only for
 * requirements that explicitly mean "any of" — a list whose owner then filters each item by its own
 * exact permission (`GET /resources` needs read on some resource type and shows only those types).
 */
export function permissionOverlaps(granted: string, required: string): boolean {
  const g = segments(granted);
  const r = segments(required);
  return g.every((segment, i) => segment === '*' || r[i] === '*' || segment === r[i]);
}

/** `resource:*:read` with the type `database` → `resource:database:read`: the exact permission of one item. */
export function specialise(permission: string, type: string): string {
  const [resource, , action] = segments(permission);
  return `${resource}:${type}:${action}`;
}

const PERMISSION = new RegExp(PERMISSION_PATTERN);

export const isPermission = (value: string): boolean => PERMISSION.test(value);
