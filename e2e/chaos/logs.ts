// A failed scenario's evidence: every service instance's output, written next to the results file so
// the report can quote the lines around a lost event or a failed operation.
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClusterSystem } from '../test/system.js';

export async function keepLogs(system: ClusterSystem, scenario: string): Promise<string> {
  const dir = join(tmpdir(), `idp-chaos-logs-${process.pid}`, scenario.replace(/[^a-z0-9]+/gi, '-'));
  await mkdir(dir, { recursive: true });
  await Promise.all(
    Object.entries(system.services).map(([instance, service]) =>
      writeFile(join(dir, `${instance}.log`), service.output()),
    ),
  );
  return dir;
}
