// Runs only the realtime suite and prints its JSON.
//   node --conditions=@idp/source --import tsx tools/bench/src/realtime/run-realtime.ts [clients...]
import { runRealtimeSuite } from './suite.js';

const counts = process.argv.slice(2).map(Number).filter(Boolean);
const results = await runRealtimeSuite(
  {
    clientCounts: counts.length ? counts : [1_000],
    repeats: Number(process.env.BENCH_REPEATS ?? 1),
    seconds: Number(process.env.BENCH_SECONDS ?? 5),
    catchUpRounds: 3,
    serverCpus: '0',
    loadCpus: '1',
  },
  (line) => process.stderr.write(`${line}\n`),
);
process.stdout.write(`${JSON.stringify(results)}\n`);
