// Small building blocks shared by the domain schemas.
import Type, { type TSchema } from 'typebox';

export const Id = Type.String({
  pattern: '^[A-Za-z0-9_-]{1,64}$',
  description: 'an object id such as app_3kq9x2',
});
export const Timestamp = Type.String({ format: 'date-time' });
/** DNS-label-like names: they end up in hostnames, repositories and resource tags. */
export const Name = Type.String({ pattern: '^[a-z][a-z0-9-]{0,62}$', minLength: 1, maxLength: 63 });
export const Tier = Type.Union([Type.Literal('free'), Type.Literal('pro'), Type.Literal('enterprise')]);
export const Size = Type.Union([Type.Literal('s'), Type.Literal('m'), Type.Literal('l'), Type.Literal('xl')]);

/**
 * Bounds on what callers can make the platform store (docs/security.md, "Abuse resistance"): every
 * stored event, and every object folded from them, stays far below what one NATS message carries
 * (1 MiB by default), so no write can make a later read fail.
 */
export const StoredDataLimits = {
  /** User preferences: keys, key length and the whole map as JSON (UTF-8 bytes). */
  preferencesKeys: 50,
  preferenceKeyLength: 64,
  preferencesBytes: 16 * 1024,
  /** Application environment variables (desired and actual state). */
  envKeys: 100,
  envKeyLength: 128,
  envValueLength: 4096,
  envBytes: 32 * 1024,
  /** Resource labels. */
  labelKeys: 64,
  labelKeyLength: 63,
  labelValueLength: 256,
  /** Descriptions of teams, applications and resources. */
  descriptionLength: 1000,
  /** Members of one team. */
  teamMembers: 1000,
  /** Deployments an application remembers (what rollback can go back to), newest kept. */
  deploymentHistory: 100,
} as const;

/**
 * Keys that mean something to JavaScript objects: refused in every user-named map (env, labels,
 * preferences) so that no code that indexes such a map can reach `Object.prototype`.
 */
export const NOT_A_PROTOTYPE_KEY = '(?!(?:__proto__|constructor|prototype)$)';

const encoder = new TextEncoder();
/** Size of a value as the JSON that is stored and sent, in UTF-8 bytes. */
export const jsonBytes = (value: unknown): number => encoder.encode(JSON.stringify(value)).length;

/** A schema whose value, as JSON, may not exceed `maxBytes` (refused with a message naming the limit). */
export const withinJsonBytes = <S extends TSchema>(schema: S, maxBytes: number) =>
  Type.Refine(
    schema,
    (value) => jsonBytes(value) <= maxBytes,
    (value) => `must be at most ${maxBytes} bytes as JSON (got ${jsonBytes(value)})`,
  );

export const Description = Type.String({ maxLength: StoredDataLimits.descriptionLength });

export const Labels = Type.Record(
  Type.String({
    pattern: `^${NOT_A_PROTOTYPE_KEY}[A-Za-z0-9_.-]{1,${StoredDataLimits.labelKeyLength}}$`,
  }),
  Type.String({ maxLength: StoredDataLimits.labelValueLength }),
  {
    maxProperties: StoredDataLimits.labelKeys,
    additionalProperties: false,
  },
);
