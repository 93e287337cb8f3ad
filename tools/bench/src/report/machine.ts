// What a benchmark report records about the machine and the software measured.
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memGiB: number;
  node: string;
  natsServer: string;
  versions: Record<string, string>;
  loadAverage: number[];
  date: string;
}

const root = new URL('../../../../', import.meta.url).pathname;
const PACKAGES = [
  'fastify',
  '@fastify/http-proxy',
  '@fastify/jwt',
  '@fastify/rate-limit',
  'socket.io',
  'ws',
  '@nats-io/transport-node',
];

function packageVersion(name: string): string {
  for (const base of [`${root}tools/bench/node_modules/`, `${root}node_modules/`]) {
    try {
      return (JSON.parse(readFileSync(`${base}${name}/package.json`, 'utf8')) as { version: string }).version;
    } catch {}
  }
  return '?';
}

export function describeMachine(): MachineInfo {
  const nats = execSync('nats-server --version 2>/dev/null || /usr/sbin/nats-server --version')
    .toString()
    .trim();
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'cpu',
    memGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    natsServer: nats.replace(/^nats-server:\s*/, ''),
    versions: Object.fromEntries(PACKAGES.map((name) => [name, packageVersion(name)])),
    loadAverage: loadavg().map((n) => +n.toFixed(2)),
    date: new Date().toISOString(),
  };
}
