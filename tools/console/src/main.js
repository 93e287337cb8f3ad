// The console's root: signed out → the sign-in form; signed in → the shell and the view the hash names.
import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { createApi } from './api.js';
import { html } from './html.js';
import { useRoute } from './router.js';
import { clearCredential, loadCredential, saveCredential } from './session.js';
import { Application } from './views/application.js';
import { Applications } from './views/applications.js';
import { ErrorNotice, Loading, ViewHeading } from './views/common.js';
import { Operation } from './views/operation.js';
import { Operations } from './views/operations.js';
import { Resources } from './views/resources.js';
import { Shell } from './views/shell.js';
import { SignIn } from './views/sign-in.js';

/** `/console/config.json` names realtime's endpoint; a path there is on this page's own origin. */
async function loadWsUrl() {
  const response = await fetch('./config.json', { cache: 'no-store' });
  const { ws_url: url } = await response.json();
  if (!url?.startsWith('/')) return url;
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${url}`;
}

function App() {
  const route = useRoute();
  const [session, setSession] = useState(() => ({ credential: loadCredential(), me: undefined }));
  const [headroom, setHeadroom] = useState(undefined);
  const [wsUrl, setWsUrl] = useState(undefined);
  const [error, setError] = useState(undefined);
  const { credential, me } = session;
  const api = useMemo(() => credential && createApi(credential, { onRateLimit: setHeadroom }), [credential]);

  useEffect(() => {
    loadWsUrl().then(setWsUrl, () => setWsUrl(''));
  }, []);
  // A credential kept from earlier in this tab is checked again before it is used.
  useEffect(() => {
    if (!api || me) return;
    api.get('/users/me').then(
      ({ data }) => setSession({ credential, me: data }),
      (failure) => {
        clearCredential();
        setSession({ credential: undefined, me: undefined });
        setError(failure);
      },
    );
  }, [api, me, credential]);

  if (!credential) {
    return html`<${SignIn} onSignedIn=${(c, m) => {
      saveCredential(c);
      setError(undefined);
      setSession({ credential: c, me: m });
    }} /><${ErrorNotice} error=${error} />`;
  }
  if (!me) return html`<main id="main"><${Loading} what="your session" /></main>`;
  const signOut = () => {
    clearCredential();
    setHeadroom(undefined);
    setSession({ credential: undefined, me: undefined });
  };
  return html`<${Shell} route=${route} me=${me} headroom=${headroom} onSignOut=${signOut}>
    <${View} route=${route} api=${api} credential=${credential} wsUrl=${wsUrl} />
  <//>`;
}

function View({ route, api, credential, wsUrl }) {
  switch (route.view) {
    case 'applications':
      return html`<${Applications} api=${api} />`;
    case 'application':
      return html`<${Application} key=${route.id} api=${api} id=${route.id} />`;
    case 'operations':
      return html`<${Operations} api=${api} />`;
    case 'operation':
      // Wait for the realtime address before following, so the feed starts once, live.
      if (wsUrl === undefined) return html`<main id="main"><${Loading} what="the console settings" /></main>`;
      return html`<${Operation} key=${route.id} api=${api} credential=${credential} wsUrl=${wsUrl} id=${route.id} />`;
    case 'resources':
      return html`<${Resources} key=${route.id} api=${api} type=${route.id} />`;
    default:
      return html`<main id="main"><${ViewHeading}>Not found<//>
        <p>No such page. <a href="#/applications">Go to the applications</a>.</p></main>`;
  }
}

const root = document.getElementById('app');
root.replaceChildren(); // the static "Loading" line
render(html`<${App} />`, root);
