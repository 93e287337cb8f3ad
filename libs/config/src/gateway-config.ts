// config/gateway.yaml: parsed and validated once at start; callers get a typed object.
import { readFile } from 'node:fs/promises';
import { Permission, RoleBinding } from '@idp/contracts';
import Type, { type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { Value } from 'typebox/value';
import { parse } from 'yaml';
import { CircuitBreakersConfig } from './circuit-breaker-config.js';
import { ConfigError } from './env.js';
import { ResponseCacheConfig } from './response-cache-config.js';

/** A claim name, or a dot path into nested claims (`realm_access.roles`); a literal name wins. */
const ClaimPath = Type.String({ minLength: 1, maxLength: 256 });
const TenantId = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' });

/**
 * How tokens of the OIDC issuer (IDP_OIDC_ISSUER) become principals, so an ordinary enterprise
 * identity provider works without custom claims. A token that maps to no tenant is refused.
 */
export const OidcMapping = Type.Object(
  {
    subject_claim: Type.String({ ...ClaimPath, default: 'sub' }),
    /** Where the tenant is read; a token without it takes the tenant of its mapped groups. */
    tenant_claim: Type.String({ ...ClaimPath, default: 'tenant_id' }),
    /** The platform's own `[{role, scope}]` list, when the provider issues one; `null` ignores it. */
    roles_claim: Type.Union([ClaimPath, Type.Null()], { default: 'roles' }),
    /** Group (or app-role) names looked up in `groups`. */
    groups_claim: Type.String({ ...ClaimPath, default: 'groups' }),
    /** IdP group → the tenant it belongs to and the role bindings its members get there. */
    groups: Type.Record(
      Type.String({ minLength: 1, maxLength: 256 }),
      Type.Object(
        { tenant: TenantId, roles: Type.Array(RoleBinding, { minItems: 1, maxItems: 32 }) },
        { additionalProperties: false },
      ),
      { default: {} },
    ),
  },
  { additionalProperties: false, default: {} },
);
export type OidcMapping = Static<typeof OidcMapping>;

export const GatewayConfig = Type.Object(
  {
    roles: Type.Record(Type.String({ pattern: '^[a-z][a-z0-9_-]{0,63}$' }), Type.Array(Permission), {
      default: {},
    }),
    http: Type.Object(
      {
        cors_origins: Type.Array(Type.String({ minLength: 1 }), { default: [] }),
        body_limit_bytes: Type.Integer({ minimum: 1024, maximum: 64 * 1024 * 1024, default: 1_048_576 }),
        backend_timeout_ms: Type.Integer({ minimum: 100, maximum: 120_000, default: 5_000 }),
        /** Deepest nesting of objects/arrays accepted in a JSON body (400 VALIDATION_ERROR beyond). */
        max_json_depth: Type.Integer({ minimum: 2, maximum: 256, default: 32 }),
      },
      { additionalProperties: false, default: {} },
    ),
    oidc: OidcMapping,
    circuit_breakers: CircuitBreakersConfig,
    response_cache: ResponseCacheConfig,
  },
  { additionalProperties: true },
);
export type GatewayConfig = Static<typeof GatewayConfig>;

const check = Compile(GatewayConfig);

export function parseGatewayConfig(text: string, source = 'gateway config'): GatewayConfig {
  let raw: unknown;
  try {
    raw = parse(text) ?? {};
  } catch (error) {
    throw new ConfigError(`${source}: not valid YAML: ${(error as Error).message}`);
  }
  const value = Value.Default(GatewayConfig, raw);
  if (!check.Check(value)) {
    const problems = [...check.Errors(value)].map(
      (e) => `${e.instancePath.slice(1).replaceAll('/', '.') || '(root)'}: ${e.message}`,
    );
    throw new ConfigError(`${source}: ${[...new Set(problems)].join('; ')}`);
  }
  checkGroupTenants(value as GatewayConfig, source);
  return value as GatewayConfig;
}

/** A group's tenant-wide bindings must name the group's own tenant, or they would grant nothing. */
function checkGroupTenants(config: GatewayConfig, source: string): void {
  for (const [group, mapping] of Object.entries(config.oidc.groups)) {
    const foreign = mapping.roles.find(
      (b) => b.scope.startsWith('tenant:') && b.scope !== `tenant:${mapping.tenant}`,
    );
    if (foreign) {
      throw new ConfigError(
        `${source}: oidc.groups.${group}: scope '${foreign.scope}' is not the group's tenant '${mapping.tenant}'`,
      );
    }
  }
}

export async function loadGatewayConfig(path: string): Promise<GatewayConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `${path}: cannot read the gateway config (${(error as NodeJS.ErrnoException).code ?? error})`,
    );
  }
  return parseGatewayConfig(text, path);
}
