// Mints object ids: a type prefix and 16 random lowercase base32 characters (80 bits).
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

export function newId(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let out = '';
  for (const b of bytes) out += ALPHABET[b & 31];
  return `${prefix}_${out}`;
}

export const IdPrefixes = { application: 'app', operation: 'op', team: 'team' } as const;
