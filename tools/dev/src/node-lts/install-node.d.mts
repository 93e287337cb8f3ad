// Types of install-node.mjs (plain JavaScript so that it runs before `npm ci`), for the TypeScript tests.

export declare const DEFAULT_CACHE_DIR: string;

export type NodeLtsErrorCode =
  | 'BAD_MAJOR'
  | 'UNSUPPORTED_PLATFORM'
  | 'NO_NPM'
  | 'NO_REGISTRY'
  | 'NOT_PUBLISHED'
  | 'TIMEOUT'
  | 'INSTALL_FAILED'
  | 'BROKEN_BINARY';

export declare class NodeLtsError extends Error {
  constructor(code: NodeLtsErrorCode, message: string, options?: { cause?: unknown });
  readonly code: NodeLtsErrorCode;
}

export interface EnsureNodeOptions {
  major: number;
  /** Default: `.cache/node` at the workspace root. */
  cacheDir?: string;
  platform?: string;
  arch?: string;
  /** The npm executable (default `npm` on PATH). */
  npm?: string;
  /** npm's environment: `npm_config_registry` and the like (default: this process's). */
  env?: Record<string, string | undefined>;
  /** Called before a download starts, to tell the user why there is a pause. */
  onDownload?: (spec: string, dir: string) => void;
  /** Bound on the download (default 5 minutes). */
  timeoutMs?: number;
}

export interface NodeBinary {
  /** The `node` executable. */
  node: string;
  /** Its folder, to put first on PATH. */
  binDir: string;
  version: string;
  /** Whether this call downloaded it (false: it was in the cache). */
  installed: boolean;
}

export declare function parseMajor(text: string | undefined): number;
export declare function packageFor(platform: string, arch: string): string;
export declare function ensureNode(options: EnsureNodeOptions): Promise<NodeBinary>;
