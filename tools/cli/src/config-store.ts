// Where `idp login` keeps the gateway's addresses and the credential: one JSON file in the user's
// config directory, readable by its owner only (file 0600, directory 0700), written atomically.
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CredentialError } from './exit-codes.js';

export interface StoredConfig {
  api_url?: string;
  ws_url?: string;
  token?: string;
  api_key?: string;
}

const FIELDS = ['api_url', 'ws_url', 'token', 'api_key'] as const;

/** `IDP_CONFIG_DIR`, else `$XDG_CONFIG_HOME/idp`, else `~/.config/idp`. */
export function configDir(env: NodeJS.ProcessEnv): string {
  if (env.IDP_CONFIG_DIR) return env.IDP_CONFIG_DIR;
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'idp');
}

export class ConfigStore {
  readonly file: string;

  constructor(readonly dir: string) {
    this.file = join(dir, 'config.json');
  }

  async read(): Promise<StoredConfig> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new CredentialError(`cannot read ${this.file}: ${(error as Error).message}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new CredentialError(`${this.file} is not valid JSON: run 'idp login' again`);
    }
    if (typeof parsed !== 'object' || parsed === null) return {};
    const config: StoredConfig = {};
    for (const field of FIELDS) {
      const value = (parsed as Record<string, unknown>)[field];
      if (typeof value === 'string' && value) config[field] = value;
    }
    return config;
  }

  async write(config: StoredConfig): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    // mkdir leaves an existing directory's mode alone: tighten it in case it was made by hand.
    await chmod(this.dir, 0o700);
    const temp = `${this.file}.${process.pid}.tmp`;
    await writeFile(temp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
    await chmod(temp, 0o600);
    await rename(temp, this.file);
  }

  async remove(): Promise<void> {
    await rm(this.file, { force: true });
  }
}
