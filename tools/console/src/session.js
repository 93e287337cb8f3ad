// The signed-in credential, kept in this tab's sessionStorage only (never in a URL or a cookie), so a
// reload keeps the session and closing the tab ends it.
const KEY = 'idp.console.credential';

/** @typedef {{ kind: 'token' | 'api_key', value: string }} Credential */

/** @returns {Credential | undefined} */
export function loadCredential() {
  try {
    const stored = JSON.parse(sessionStorage.getItem(KEY) ?? 'null');
    if (stored && (stored.kind === 'token' || stored.kind === 'api_key') && typeof stored.value === 'string')
      return stored;
  } catch {
    // A corrupt entry is treated as signed out.
  }
  return undefined;
}

/** @param {Credential} credential */
export function saveCredential(credential) {
  sessionStorage.setItem(KEY, JSON.stringify(credential));
}

export function clearCredential() {
  sessionStorage.removeItem(KEY);
}
