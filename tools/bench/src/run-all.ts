// `npm run bench`: every benchmark in one bounded, loopback-only run, then docs/benchmarks.md's generated
// section, docs/bench/results.json and the PNG charts under docs/bench/. BENCH_QUICK=1 for a smoke run
// (short loads, one round, 1,000 clients only); BENCH_ONLY=rest|realtime runs one half.
import { loadavg } from 'node:os';
import { runRealtimeSuite } from './realtime/suite.js';
import { describeMachine } from './report/machine.js';
import type { BenchRun } from './report/markdown.js';
import { writeReport } from './report/write-report.js';
import { runRestSuite } from './rest/suite.js';

const quick = process.env.BENCH_QUICK === '1';
const only = process.env.BENCH_ONLY;
if (only && only !== 'rest' && only !== 'realtime') throw new Error('BENCH_ONLY must be rest or realtime');
const log = (line: string) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

const run: BenchRun = { quick, machine: describeMachine(), loadAverageEnd: [] };
log(
  `bench: ${quick ? 'quick' : 'full'} run on ${run.machine.cpus} CPUs, load ${run.machine.loadAverage.join(' ')}`,
);
if (only !== 'realtime') {
  run.rest = await runRestSuite(
    quick ? { rounds: 1, seconds: 3, connections: 64 } : { rounds: 5, seconds: 6, connections: 64 },
    log,
  );
}
if (only !== 'rest') {
  run.realtime = await runRealtimeSuite(
    {
      clientCounts: quick ? [1_000] : [1_000, 5_000],
      repeats: quick ? 1 : 3,
      seconds: quick ? 4 : 20,
      catchUpRounds: quick ? 3 : 5,
      serverCpus: '0',
      loadCpus: '1',
    },
    log,
  );
}
run.loadAverageEnd = loadavg().map((n) => +n.toFixed(2));

const section = await writeReport(run);
process.stdout.write(`\n${section}\n`);
log('bench: wrote docs/benchmarks.md, docs/bench/results.json and docs/bench/*.png');
