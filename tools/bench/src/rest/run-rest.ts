// Runs only the REST suite and prints its JSON (for a quick look while changing the hot path).
//   node --conditions=@idp/source --import tsx tools/bench/src/rest/run-rest.ts
import { runRestSuite } from './suite.js';

const results = await runRestSuite(
  {
    rounds: Number(process.env.BENCH_ROUNDS ?? 1),
    seconds: Number(process.env.WRK_SECONDS ?? 5),
    connections: Number(process.env.WRK_CONNECTIONS ?? 64),
  },
  (line) => process.stderr.write(`${line}\n`),
);
process.stdout.write(`${JSON.stringify(results)}\n`);
