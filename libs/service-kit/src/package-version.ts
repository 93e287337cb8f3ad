// The version a service reports in service discovery: its own package.json's, read once at start.
import { readFileSync } from 'node:fs';

/** `version` of the package.json at `url` (a service passes `new URL('../package.json', import.meta.url)`). */
export function readPackageVersion(url: URL): string {
  const manifest = JSON.parse(readFileSync(url, 'utf8')) as { version?: unknown };
  if (typeof manifest.version !== 'string') throw new Error(`${url.pathname} has no version`);
  return manifest.version;
}
