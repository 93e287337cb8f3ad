// The numbers of one scenario: the REST error rate while the fault lasted (by status) and the time
// until writes succeeded steadily again, written to a JSON file in the OS temp dir and printed as one
// line, so the CI log shows them.
import { appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallRecord } from '../test/rolling/rest-load.js';

export const RESULTS_FILE = join(tmpdir(), `idp-chaos-results-${process.pid}.jsonl`);

export interface Timeline {
  faultAt: number;
  healAt: number;
}

export interface ScenarioNumbers {
  scenario: string;
  detail: string;
  fault_ms: number;
  /** Calls started from the fault until writes had recovered (or the heal, if later). */
  during_fault: { total: number; failed: number; error_rate: number; by_status: Record<string, number> };
  /** From the fault, and from the heal, to the first success of the writes that then kept succeeding. */
  recovery_from_fault_ms: number;
  recovery_from_heal_ms: number;
  /** The longest time from the fault on in which no write succeeded (writes that hung count here). */
  longest_write_gap_ms: number;
  total_calls: number;
  operations: number;
  /** The tight tenant's probe: answers by status, and the documented most it may be admitted. */
  rate_limit?: { admitted: number; refused: number; other: number; bound: number };
}

const isWrite = (call: CallRecord) => call.method === 'PUT' || call.method === 'POST';
const failed = (call: CallRecord) => call.status !== call.expected;

/** When writes were back: the end of the first write that succeeded after the last failed one. */
export function recoveredAt(calls: CallRecord[], { faultAt }: Timeline): number {
  const writes = calls
    .filter((c) => isWrite(c) && c.startedAt >= faultAt)
    .sort((a, b) => a.startedAt - b.startedAt);
  const lastFailure = writes.findLastIndex(failed);
  if (lastFailure === -1) return faultAt;
  const next = writes.slice(lastFailure + 1).find((c) => !failed(c));
  return next?.endedAt ?? Number.POSITIVE_INFINITY;
}

/** The longest interval without a successful write, from the fault until writes had recovered. */
export function longestWriteGap(calls: CallRecord[], faultAt: number, until: number): number {
  const ends = calls
    .filter((c) => isWrite(c) && !failed(c) && c.endedAt >= faultAt)
    .map((c) => c.endedAt)
    .sort((a, b) => a - b);
  let previous = faultAt;
  let longest = 0;
  for (const end of ends) {
    longest = Math.max(longest, end - previous);
    previous = end;
    if (end > until) break;
  }
  return longest;
}

export function measure(
  scenario: string,
  detail: string,
  calls: CallRecord[],
  timeline: Timeline,
  operations: number,
): ScenarioNumbers {
  const recovered = recoveredAt(calls, timeline);
  const until = Math.max(timeline.healAt, recovered);
  const during = calls.filter((c) => c.startedAt >= timeline.faultAt && c.startedAt <= until);
  const by_status: Record<string, number> = {};
  for (const call of during.filter(failed)) {
    const key = call.status === 0 ? `no answer (${call.outcome})` : `${call.status} ${call.outcome}`;
    by_status[key] = (by_status[key] ?? 0) + 1;
  }
  const failedCount = during.filter(failed).length;
  return {
    scenario,
    detail,
    fault_ms: timeline.healAt - timeline.faultAt,
    during_fault: {
      total: during.length,
      failed: failedCount,
      error_rate: during.length ? Number((failedCount / during.length).toFixed(4)) : 0,
      by_status,
    },
    recovery_from_fault_ms: recovered - timeline.faultAt,
    recovery_from_heal_ms: Math.max(0, recovered - timeline.healAt),
    longest_write_gap_ms: longestWriteGap(calls, timeline.faultAt, until),
    total_calls: calls.length,
    operations,
  };
}

export async function report(numbers: ScenarioNumbers): Promise<void> {
  await appendFile(RESULTS_FILE, `${JSON.stringify(numbers)}\n`);
  const d = numbers.during_fault;
  console.log(
    `chaos ${numbers.scenario}: ${numbers.detail}; during the fault ${d.failed}/${d.total} calls failed ` +
      `(${(d.error_rate * 100).toFixed(1)}%) ${JSON.stringify(d.by_status)}; writes steady again ` +
      `${numbers.recovery_from_fault_ms} ms after the fault, ${numbers.recovery_from_heal_ms} ms after the heal, ` +
      `longest time without a successful write ${numbers.longest_write_gap_ms} ms; ` +
      `${numbers.total_calls} calls, ${numbers.operations} deploys; over-limit tenant ${JSON.stringify(numbers.rate_limit)}; ` +
      `results in ${RESULTS_FILE}`,
  );
}
