// The WebSocket class for the SDK's realtime client, wrapped to tell the CLI when an open connection
// is lost and when a new one opens: the SDK reconnects and resumes by itself; the CLI says so.
export interface ConnectionWatcher {
  onLost(code: number): void;
  onReopened(): void;
  /** The very first connection failed (once): a wrong URL or a realtime service not up yet. */
  onUnreachable(): void;
}

async function baseWebSocket(): Promise<typeof WebSocket> {
  // Node 22+ and Deno have a global WebSocket; Node 20 gets the `ws` package of the workspace.
  if (globalThis.WebSocket) return globalThis.WebSocket;
  return (await import('ws')).default as unknown as typeof WebSocket;
}

export async function watchedWebSocket(watcher: ConnectionWatcher): Promise<typeof WebSocket> {
  const Base = await baseWebSocket();
  let everOpened = false;
  let toldUnreachable = false;
  class Watched extends Base {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      let open = false;
      this.addEventListener('open', () => {
        open = true;
        if (everOpened) watcher.onReopened();
        everOpened = true;
      });
      this.addEventListener('close', (event) => {
        if (open) watcher.onLost((event as CloseEvent).code);
        else if (!everOpened && !toldUnreachable) {
          toldUnreachable = true;
          watcher.onUnreachable();
        }
        open = false;
      });
    }
  }
  return Watched as unknown as typeof WebSocket;
}
