// Bounded polling of HTTP probes.

/** Resolves once `url` answers 200; throws after `timeoutMs` naming what it waited for. */
export async function waitForOk(url: string, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what} not ready within ${timeoutMs / 1000} s (${url}: ${last})`);
}

/** Throws when something already listens on one of `ports` of 127.0.0.1. */
export async function assertPortsFree(ports: number[]): Promise<void> {
  const { createServer } = await import('node:net');
  for (const port of ports) {
    await new Promise<void>((resolve, reject) => {
      const server = createServer();
      server.once('error', () =>
        reject(
          new Error(
            `port ${port} of 127.0.0.1 is taken: is another system running? (npm run containers:down)`,
          ),
        ),
      );
      server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
    });
  }
}
