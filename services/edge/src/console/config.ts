// The edge's settings for the web console and the API docs page, read with the rest of its environment.
import Type, { type Static } from 'typebox';

export const ConsoleEnv = {
  /**
   * Folder of the console's static files; empty: `tools/console/src` of this repository. A folder that
   * does not exist turns the console off (logged), e.g. in an image built without `tools/`.
   */
  IDP_CONSOLE_DIR: Type.String({ default: '' }),
  /**
   * Where the console opens `/ws/v1`: an absolute `ws(s)://` URL, or a path on the page's own origin
   * (`/ws/v1` behind one Ingress host). Empty: the page's host on realtime's port (`IDP_WS_PORT`).
   */
  IDP_CONSOLE_WS_URL: Type.String({ default: '' }),
  /** The realtime service's port, for the default above (the same variable realtime listens on). */
  IDP_WS_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8081 }),
};

const ConsoleEnvSchema = Type.Object(ConsoleEnv);
type ConsoleEnvValues = Static<typeof ConsoleEnvSchema>;

/** What the console routes need, derived from the environment once at start. */
export interface ConsoleOptions {
  /** Absolute folder of the static files (`index.html`, modules, CSS). */
  dir: string;
  /** Absolute `ws(s)://…` or an origin-relative path; undefined: derived per request. */
  wsUrl?: string;
  wsPort: number;
}

export function consoleOptionsFromEnv(env: ConsoleEnvValues): ConsoleOptions {
  const dir = env.IDP_CONSOLE_DIR || new URL('../../../../tools/console/src/', import.meta.url).pathname;
  const wsUrl = env.IDP_CONSOLE_WS_URL || undefined;
  if (wsUrl && !/^(wss?:\/\/[^/\s]+|)\/[^\s]*$/.test(wsUrl)) {
    throw new Error(
      `IDP_CONSOLE_WS_URL must be a ws:// or wss:// URL or a path starting with /, got '${wsUrl}'`,
    );
  }
  return { dir, wsUrl, wsPort: env.IDP_WS_PORT };
}
