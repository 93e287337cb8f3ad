// Random credential material and its one-way hash (web crypto only, so this runs on Deno too).

export function randomToken(bytes = 32): string {
  const buffer = crypto.getRandomValues(new Uint8Array(bytes));
  let binary = '';
  for (const b of buffer) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replaceAll('=', '');
}

/** SHA-256 hex: keys are stored only as this, so a leaked bucket leaks no usable key. */
export async function sha256Hex(value: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(value)));
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

export function newId(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `${prefix}_${[...bytes].map((b) => ID_ALPHABET[b % 32]).join('')}`;
}
