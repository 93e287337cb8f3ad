// Small building blocks shared by the domain schemas.
import Type from 'typebox';

export const Id = Type.String({
  pattern: '^[A-Za-z0-9_-]{1,64}$',
  description: 'an object id such as app_3kq9x2',
});
export const Timestamp = Type.String({ format: 'date-time' });
/** DNS-label-like names: they end up in hostnames, repositories and resource tags. */
export const Name = Type.String({ pattern: '^[a-z][a-z0-9-]{0,62}$', minLength: 1, maxLength: 63 });
export const Description = Type.String({ maxLength: 1000 });
export const Tier = Type.Union([Type.Literal('free'), Type.Literal('pro'), Type.Literal('enterprise')]);
export const Size = Type.Union([Type.Literal('s'), Type.Literal('m'), Type.Literal('l'), Type.Literal('xl')]);
export const Labels = Type.Record(
  Type.String({ pattern: '^[A-Za-z0-9_.-]{1,63}$' }),
  Type.String({ maxLength: 256 }),
  {
    maxProperties: 64,
    additionalProperties: false,
  },
);
