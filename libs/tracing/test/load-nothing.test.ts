// "Nothing loaded when unset", checked in a fresh process: a service that starts tracing without an
// OTLP endpoint resolves no @opentelemetry module at all; with one, it loads the SDK.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const fixture = new URL('./fixtures/load-check.mjs', import.meta.url).pathname;

async function loadCheck(extraEnv: Record<string, string>) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('OTEL_')));
  const { stdout } = await run(process.execPath, ['--conditions=@idp/source', '--import', 'tsx', fixture], {
    env: { ...env, ...extraEnv },
    cwd: new URL('..', import.meta.url).pathname,
    timeout: 30_000,
  });
  return JSON.parse(stdout) as { enabled: boolean; opentelemetryModules: number };
}

describe('loading', () => {
  it('loads no OpenTelemetry module while OTEL_EXPORTER_OTLP_ENDPOINT is unset', async () => {
    expect(await loadCheck({})).toEqual({ enabled: false, opentelemetryModules: 0 });
  });

  it('loads the SDK when it is set (so the check above can see modules at all)', async () => {
    // Port 9 (discard): nothing is exported before shutdown, and shutdown's flush is bounded.
    const result = await loadCheck({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' });
    expect(result.enabled).toBe(true);
    expect(result.opentelemetryModules).toBeGreaterThan(0);
  });
});
