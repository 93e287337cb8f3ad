// Reads a service's environment once at start against a TypeBox schema: strings are coerced to the
// schema's types, defaults applied, and every bad key is named in one error.
import type { Static, TObject } from 'typebox';
import { Compile } from 'typebox/compile';
import { Value } from 'typebox/value';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function readEnv<S extends TObject>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): Static<S> {
  const known: Record<string, unknown> = {};
  for (const key of Object.keys(schema.properties)) {
    const raw = env[key];
    if (raw !== undefined && raw !== '') known[key] = raw;
  }
  const withDefaults = Value.Default(schema, known);
  const converted = Value.Convert(schema, withDefaults);
  const check = Compile(schema);
  if (!check.Check(converted)) {
    const problems = [...check.Errors(converted)]
      .filter((e) => e.keyword !== 'anyOf' || e.instancePath === '')
      .map((e) => `${e.instancePath.slice(1) || (e.params && JSON.stringify(e.params))}: ${e.message}`);
    throw new ConfigError(`invalid environment: ${[...new Set(problems)].join('; ')}`);
  }
  return converted as Static<S>;
}
