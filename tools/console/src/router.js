// Hash routes (`#/applications/app_1`): the page never reloads, and nothing secret is ever in the URL.
import { useEffect, useState } from 'preact/hooks';

/** @typedef {{ view: string, id?: string }} Route */

/** @type {Array<[RegExp, string]>} */
const ROUTES = [
  [/^\/applications\/([\w-]+)$/, 'application'],
  [/^\/applications$/, 'applications'],
  [/^\/operations\/([\w-]+)$/, 'operation'],
  [/^\/operations$/, 'operations'],
  [/^\/resources\/([\w-]+)$/, 'resources'],
  [/^\/resources$/, 'resources'],
];

/** @returns {Route} */
export function parseRoute(hash) {
  const path = hash.replace(/^#/, '') || '/applications';
  for (const [pattern, view] of ROUTES) {
    const match = pattern.exec(path);
    if (match) return { view, id: match[1] };
  }
  return { view: 'not-found' };
}

export function useRoute() {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}

export const go = (path) => {
  location.hash = `#${path}`;
};
