// config/gateway.yaml: parsed and validated once at start; callers get a typed object.
import { readFile } from 'node:fs/promises';
import { Permission } from '@idp/contracts';
import Type, { type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { Value } from 'typebox/value';
import { parse } from 'yaml';
import { ConfigError } from './env.js';

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
      },
      { additionalProperties: false, default: {} },
    ),
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
  return value as GatewayConfig;
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
