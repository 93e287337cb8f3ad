// What `npm run cluster` reads from its environment, checked once at start (a bad value names its key).
import { resolve } from 'node:path';
import { readEnv } from '@idp/config';
import { DEV_JWT_SECRET } from '@idp/contracts';
import Type, { type Static } from 'typebox';

export const ClusterEnv = Type.Object({
  /** The entry's REST port, spread over both edges; 0 for any free port. As `npm start`'s edge. */
  IDP_HTTP_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
  /** The entry's WebSocket port, spread over both realtime instances; 0 for any free port. */
  IDP_WS_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8081 }),
  /** The NATS operator setup shared with `npm start` and `npm run nats:creds`. */
  IDP_NATS_DIR: Type.String({ minLength: 1, default: '.data/nats' }),
  /** HS256 secret of user tokens; default the development one `npm run token` signs with. */
  IDP_JWT_SECRET: Type.String({ minLength: 16, default: DEV_JWT_SECRET }),
});
export type ClusterEnv = Static<typeof ClusterEnv>;

export interface ClusterSettings {
  entryHttpPort: number;
  entryWsPort: number;
  natsDir: string;
  jwtSecret: string;
}

export function readClusterSettings(env: Record<string, string | undefined>, root: string): ClusterSettings {
  const parsed = readEnv(ClusterEnv, env);
  return {
    entryHttpPort: parsed.IDP_HTTP_PORT,
    entryWsPort: parsed.IDP_WS_PORT,
    natsDir: resolve(root, parsed.IDP_NATS_DIR),
    jwtSecret: parsed.IDP_JWT_SECRET,
  };
}
