// Sign in with a bearer token or an API key; the credential is checked against GET /users/me before it
// is kept, so a bad one shows the API's own error.
import { useState } from 'preact/hooks';
import { createApi } from '../api.js';
import { html } from '../html.js';
import { ErrorNotice, ViewHeading } from './common.js';

export function SignIn({ onSignedIn }) {
  const [kind, setKind] = useState(/** @type {'token' | 'api_key'} */ ('token'));
  const [value, setValue] = useState('');
  const [error, setError] = useState(undefined);
  const [busy, setBusy] = useState(false);

  async function submit(event) {
    event.preventDefault();
    /** @type {import('../session.js').Credential} */
    const credential = { kind, value: value.trim() };
    if (!credential.value) {
      setError({ code: 'VALIDATION_ERROR', message: `Enter a ${kind === 'token' ? 'token' : 'API key'}` });
      return;
    }
    setBusy(true);
    try {
      const { data: me } = await createApi(credential).get('/users/me');
      onSignedIn(credential, me);
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  }

  return html`<main id="main" class="sign-in">
    <${ViewHeading}>Sign in to the IDP console<//>
    <form onSubmit=${submit} aria-describedby="sign-in-help">
      <fieldset>
        <legend>Credential</legend>
        <label><input type="radio" name="kind" value="token" checked=${kind === 'token'}
          onChange=${() => setKind('token')} /> Bearer token (JWT)</label>
        <label><input type="radio" name="kind" value="api_key" checked=${kind === 'api_key'}
          onChange=${() => setKind('api_key')} /> API key</label>
      </fieldset>
      <label for="credential">${kind === 'token' ? 'Token' : 'API key'}</label>
      <input id="credential" type="password" autocomplete="off" spellcheck=${false} required
        value=${value} onInput=${(e) => setValue(e.currentTarget.value)} />
      <p id="sign-in-help" class="muted">Kept in this tab only (session storage), never in the address bar.
        Live progress needs a token; with an API key the console polls instead.</p>
      <${ErrorNotice} error=${error} />
      <button type="submit" disabled=${busy}>${busy ? 'Signing in…' : 'Sign in'}</button>
    </form>
  </main>`;
}
