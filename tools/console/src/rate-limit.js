// Reads the IETF RateLimit headers the edge sends on every answer:
// `RateLimit: "per_user";r=42;t=17` and `RateLimit-Policy: "per_user";q=100;w=60`.

/** @typedef {{ policy: string, remaining: number, limit?: number, windowS?: number, resetS: number }} Headroom */

function parseItem(header) {
  const match = /^\s*"([^"]+)"((?:;\s*[a-z]+=\d+)*)/.exec(header ?? '');
  if (!match) return undefined;
  const params = Object.fromEntries(
    [...match[2].matchAll(/([a-z]+)=(\d+)/g)].map((m) => [m[1], Number(m[2])]),
  );
  return { name: match[1], params };
}

/** @returns {Headroom | undefined} */
export function parseRateLimit(rateLimit, rateLimitPolicy) {
  const state = parseItem(rateLimit);
  if (!state || state.params.r === undefined) return undefined;
  const policy = parseItem(rateLimitPolicy);
  const same = policy?.name === state.name;
  return {
    policy: state.name,
    remaining: state.params.r,
    resetS: state.params.t ?? 0,
    limit: same ? policy.params.q : undefined,
    windowS: same ? policy.params.w : undefined,
  };
}
