// Types of install-nats-server.mjs (plain JavaScript so that it runs first in a lane), for the tests.

export interface DebianPackage {
  version: string;
  /** Path of the .deb below the mirror, e.g. `pool/main/n/nats-server/….deb`. */
  path: string;
  sha256: string;
}

export declare const DEFAULT_CACHE_DIR: string;
export declare const CLUSTER_NATS_SERVER: DebianPackage;

export interface EnsureNatsServerOptions {
  /** Default: `.cache/nats-server` at the workspace root. */
  cacheDir?: string;
  /** Default: IDP_DEBIAN_MIRROR, else http://deb.debian.org/debian. */
  mirror?: string;
  /** Default: CLUSTER_NATS_SERVER. */
  package?: DebianPackage;
  /** Told before a download starts. */
  log?: (line: string) => void;
}

export declare function ensureClusterNatsServer(options?: EnsureNatsServerOptions): Promise<string>;
