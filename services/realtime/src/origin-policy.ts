// Which browser pages may open /ws/v1 (cross-site WebSocket hijacking defence). A browser always sends
// `Origin` on a WebSocket upgrade; a request without one comes from a non-browser client and is let
// through (it could forge any header anyway; its token is what counts).

export interface OriginPolicyOptions {
  /** Exact origins (`https://console.example.com`), or `*` for any. */
  allowed: readonly string[];
  /** Allow the console's origin: the edge's, on the host the client reached this endpoint with. */
  allowConsole: boolean;
  /** The edge's port (`IDP_HTTP_PORT`): where `npm start` serves the console next to this port. */
  edgePort?: number;
}

export type OriginCheck = (origin: string | undefined, host: string | undefined) => boolean;

const effectivePort = (url: URL) => url.port || (url.protocol === 'https:' ? '443' : '80');

function parse(value: string, scheme = ''): URL | undefined {
  try {
    return new URL(`${scheme}${value}`);
  } catch {
    return undefined;
  }
}

export function originPolicy(options: OriginPolicyOptions): OriginCheck {
  const any = options.allowed.includes('*');
  const exact = new Set(
    options.allowed.flatMap((o) => {
      const url = o === '*' ? undefined : parse(o);
      return url ? [url.origin] : [];
    }),
  );
  return (origin, host) => {
    if (origin === undefined) return true;
    if (any) return true;
    const url = origin === 'null' ? undefined : parse(origin);
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) return false;
    if (exact.has(url.origin)) return true;
    return options.allowConsole && isConsoleOrigin(url, host, options.edgePort);
  };
}

/**
 * The console is served by the edge. Behind one public host (the Ingress) the page and /ws/v1 share
 * host and port; with `npm start` they share the host and the page is on the edge's port.
 */
function isConsoleOrigin(origin: URL, host: string | undefined, edgePort: number | undefined): boolean {
  const reached = host ? parse(host, 'http://') : undefined;
  if (!reached || reached.hostname !== origin.hostname) return false;
  const port = effectivePort(origin);
  if (edgePort !== undefined && port === String(edgePort)) return true;
  // No port in Host: the client used its scheme's default, which the page's origin then has too.
  return reached.port === '' ? port === '80' || port === '443' : port === reached.port;
}
