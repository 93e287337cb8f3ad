// The certificate and key a public listener serves TLS with (edge HTTPS, realtime WSS), from
// IDP_TLS_CERT / IDP_TLS_KEY. Both or neither: one alone is a mistake, and so is a file that cannot
// be read or a key that does not belong to the certificate; each fails start naming the variable.
import { readFile } from 'node:fs/promises';
import { createSecureContext } from 'node:tls';
import Type from 'typebox';
import { ConfigError } from './env.js';

export const TlsEnv = {
  /** PEM certificate (chain) the listener presents; with IDP_TLS_KEY it turns TLS on. */
  IDP_TLS_CERT: Type.Optional(Type.String({ minLength: 1 })),
  /** PEM private key of IDP_TLS_CERT. */
  IDP_TLS_KEY: Type.Optional(Type.String({ minLength: 1 })),
};

/** What `https.createServer` (and fastify's `https` option) take. */
export interface ServerTls {
  cert: string;
  key: string;
}

/** Reads the listener's certificate and key; `undefined` when TLS is off (neither variable set). */
export async function loadServerTls(env: {
  IDP_TLS_CERT?: string | undefined;
  IDP_TLS_KEY?: string | undefined;
}): Promise<ServerTls | undefined> {
  const { IDP_TLS_CERT: certFile, IDP_TLS_KEY: keyFile } = env;
  if (!certFile && !keyFile) return undefined;
  if (!certFile) throw new ConfigError('IDP_TLS_CERT: must be set together with IDP_TLS_KEY');
  if (!keyFile) throw new ConfigError('IDP_TLS_KEY: must be set together with IDP_TLS_CERT');
  const cert = await readPem('IDP_TLS_CERT', certFile, 'CERTIFICATE');
  const key = await readPem('IDP_TLS_KEY', keyFile, 'PRIVATE KEY');
  try {
    // Fails here, with the variables named, rather than later inside the HTTP server.
    createSecureContext({ cert, key });
  } catch (error) {
    throw new ConfigError(
      `IDP_TLS_KEY: ${keyFile} is not a usable key for the certificate in IDP_TLS_CERT (${(error as Error).message})`,
    );
  }
  return { cert, key };
}

async function readPem(variable: string, path: string, kind: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ConfigError(`${variable}: cannot read ${path} (${reason})`);
  }
  // "PRIVATE KEY" also matches "EC PRIVATE KEY" and "RSA PRIVATE KEY".
  if (!new RegExp(`-----BEGIN [A-Z ]*${kind}-----`).test(text))
    throw new ConfigError(`${variable}: ${path} holds no PEM ${kind.toLowerCase()}`);
  return text;
}
