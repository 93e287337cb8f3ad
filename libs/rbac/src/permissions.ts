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
 * Does a granted permission cover a required one? A `*` in the grant covers any value; a `*` in the
 * requirement (e.g. `resource:*:read` for the list of all resources) is met by a grant of any value.
 */
export function permissionCovers(granted: string, required: string): boolean {
  const g = segments(granted);
  const r = segments(required);
  return g.every((segment, i) => segment === '*' || r[i] === '*' || segment === r[i]);
}

const PERMISSION = new RegExp(PERMISSION_PATTERN);

export const isPermission = (value: string): boolean => PERMISSION.test(value);
