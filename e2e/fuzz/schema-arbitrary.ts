// Values that satisfy a request schema of the route table (TypeBox emits plain JSON Schema), so the
// fuzzer reaches past validation into the backends; `nearlyValid` then breaks them one field at a time.
import fc from 'fast-check';

// biome-ignore lint/suspicious/noExplicitAny: walks arbitrary JSON Schema objects
type Schema = Record<string, any>;

const FORBIDDEN_KEYS = /\(\?!\(\?:__proto__\|constructor\|prototype\)\$\)/;

/** A generator for strings of `pattern`, or any short string when fast-check cannot read the pattern. */
function patternString(pattern: string, min = 0, max = 64): fc.Arbitrary<string> {
  const bounded = (s: string) => s.length >= min && s.length <= max;
  try {
    return fc
      .stringMatching(new RegExp(pattern.replace(FORBIDDEN_KEYS, '')))
      .filter((s) => bounded(s) && !/^(__proto__|constructor|prototype)$/.test(s));
  } catch {
    return fc.string({ minLength: min, maxLength: Math.min(max, 64) });
  }
}

export function valueFor(schema: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 6) return fc.jsonValue({ maxDepth: 2 });
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...schema.enum);
  if (Array.isArray(schema.anyOf))
    return fc.oneof(...schema.anyOf.map((s: Schema) => valueFor(s, depth + 1)));
  switch (schema.type) {
    case 'string': {
      if (schema.format === 'date-time') {
        return fc
          .date({ min: new Date('2020-01-01'), max: new Date('2035-01-01'), noInvalidDate: true })
          .map((d) => d.toISOString());
      }
      const min = schema.minLength ?? 0;
      const max = Math.min(schema.maxLength ?? 64, 200);
      if (schema.pattern) return patternString(schema.pattern, min, max);
      return fc.string({ minLength: min, maxLength: max });
    }
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1_000, max: schema.maximum ?? 1_000_000 });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(valueFor(schema.items, depth + 1), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 4, 4),
      });
    case 'object':
      return objectFor(schema, depth);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function objectFor(schema: Schema, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const properties: Record<string, Schema> = schema.properties ?? {};
  const required: string[] = schema.required ?? [];
  const fixed = fc.record(
    Object.fromEntries(Object.entries(properties).map(([key, s]) => [key, valueFor(s, depth + 1)])),
    { requiredKeys: required.filter((key) => key in properties) },
  );
  const patterns = Object.entries((schema.patternProperties ?? {}) as Record<string, Schema>);
  if (patterns.length === 0) return fixed;
  const [keyPattern, valueSchema] = patterns[0]!;
  const extra = fc.dictionary(patternString(keyPattern, 1, 40), valueFor(valueSchema, depth + 1), {
    maxKeys: Math.min(schema.maxProperties ?? 4, 4),
  });
  return fc.tuple(fixed, extra).map(([a, b]) => ({ ...b, ...a }));
}

/** Hostile leaves: wrong types, huge and odd strings, prototype keys, extreme numbers. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '../../etc/passwd',
    '%2e%2e%2f',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a log-injection payload, on purpose
    '${jndi:ldap://x}',
    '<script>alert(1)</script>',
    "' OR 1=1 --",
    '__proto__',
    'constructor',
    'x'.repeat(5_000),
    'é'.repeat(3_000),
    '\uD800',
    Number.MAX_SAFE_INTEGER,
    -1,
    1e308,
    -0,
    0.5,
    true,
    null,
    [],
    {},
    { __proto__: { admin: true } },
  ),
  fc.integer(),
  fc.double(),
);

/** A valid value with one field replaced, removed or added: what slips past a sloppy validator. */
export function nearlyValid(schema: Schema): fc.Arbitrary<unknown> {
  const keys = Object.keys(schema.properties ?? {});
  return fc
    .tuple(valueFor(schema), fc.constantFrom('replace', 'remove', 'add'), fc.nat(), hostileValue)
    .map(([value, how, pick, hostile]) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return hostile;
      const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
      const key = keys.length > 0 ? keys[pick % keys.length]! : 'extra';
      if (how === 'replace') copy[key] = hostile;
      else if (how === 'remove') delete copy[key];
      else copy[`x_${pick % 7}`] = hostile;
      return copy;
    });
}
