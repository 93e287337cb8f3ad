// Types of permissions.mjs (plain JavaScript so that plain Node can load it before any build).
export interface ProgramPermissions {
  code: string;
  assets?: string[];
  files: string[];
  folders?: string[];
  directories?: string[];
  calls?: string[];
  listens?: {
    host: string;
    port: string;
    defaultHost: string;
    defaultPort: string;
    wildcardSys?: string[];
  }[];
  probe?: boolean;
  sys?: string[];
  env?: string[];
}
export type Env = Record<string, string | undefined>;
export interface Where {
  root: string;
  cwd?: string;
}
export const PROGRAMS: Record<string, ProgramPermissions>;
export function programOf(entry: string): string;
export function denoPermissions(name: string, env: Env, where: Where): string[];
export function denoArguments(entry: string, env: Env, where: Where): string[];
export function denoBinary(root: string): string;
