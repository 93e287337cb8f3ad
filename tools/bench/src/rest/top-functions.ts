// Reads a .cpuprofile and prints the functions with the most self time (and idle share): a quick look
// at where a service spends its CPU under load without opening DevTools.
//   node --import tsx tools/bench/src/rest/top-functions.ts file.cpuprofile [count]
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export function selfTimes(profile: Profile): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)?.callFrame;
    const where = frame?.url.replace(/^.*node_modules\//, '').replace(/^.*\/work\/main\//, '') ?? '?';
    const key = `${frame?.functionName || '(anonymous)'} ${where}:${frame?.lineNumber ?? 0}`;
    totals.set(key, (totals.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return totals;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const profile = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Profile;
  const count = Number(process.argv[3] ?? 25);
  const totals = selfTimes(profile);
  const all = [...totals.values()].reduce((a, b) => a + b, 0);
  for (const [name, us] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, count)) {
    process.stdout.write(`${((us / all) * 100).toFixed(1).padStart(5)} %  ${name}\n`);
  }
}
