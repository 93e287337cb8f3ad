// Writes a run's outputs: docs/bench/results.json, the charts, and the generated section of
// docs/benchmarks.md. Run by itself it rewrites the charts and the section from the last results.json
// (after a change to the report's layout, without measuring again):
//   node --conditions=@idp/source --import tsx tools/bench/src/report/write-report.ts
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { type BenchRun, generatedSection, spliceGenerated } from './markdown.js';
import { renderRunCharts } from './run-charts.js';

const root = new URL('../../../../', import.meta.url).pathname;
const outDir = `${root}docs/bench`;
const docPath = `${root}docs/benchmarks.md`;

export async function writeReport(run: BenchRun): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(`${outDir}/results.json`, `${JSON.stringify(run, null, 1)}\n`);
  await renderRunCharts(outDir, run.rest, run.realtime);
  const section = generatedSection(run);
  writeFileSync(docPath, spliceGenerated(readFileSync(docPath, 'utf8'), section));
  return section;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await writeReport(JSON.parse(readFileSync(`${outDir}/results.json`, 'utf8')) as BenchRun);
  process.stdout.write('rewrote docs/benchmarks.md and docs/bench/*.png from docs/bench/results.json\n');
}
