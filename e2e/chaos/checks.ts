// What must hold after every fault. Each check returns the problems it found (empty: it held), so a
// failing test names every broken promise at once rather than the first.
import type { CallRecord, WriteRecord } from '../test/rolling/rest-load.js';
import { type ApiClient, type ApiResponse, waitForOperation } from '../test/system.js';
import type { ProbeAnswer } from './rate-probe.js';

/** Answers a client may get while a fault lasts (docs/operations.md, "Recovery"): the contract's 503/504. */
const FAULT_ANSWERS: Record<number, string> = { 503: 'SERVICE_UNAVAILABLE', 504: 'GATEWAY_TIMEOUT' };
/** What a client sees from an edge process that was just killed (-9): no listener, or a cut socket. */
const DEAD_EDGE = ['ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE'];

/** An unexpected answer is allowed only as the contract's 503/504 envelope or a killed edge's cut. */
function allowed(status: number, outcome: string, edge: string, killedEdges: string[]): boolean {
  if (status === 0) return DEAD_EDGE.includes(outcome) && killedEdges.includes(edge);
  return FAULT_ANSWERS[status] === outcome;
}

export function restAnswerProblems(calls: CallRecord[], killedEdges: string[]): string[] {
  return calls
    .filter((c) => c.status !== c.expected && !allowed(c.status, c.outcome, c.edge, killedEdges))
    .map(
      (c) =>
        `${new Date(c.startedAt).toISOString()} ${c.request} via ${c.edge}: ` +
        `${c.status === 0 ? 'no answer' : c.status} ${c.outcome} after ${c.endedAt - c.startedAt} ms ${c.message ?? ''}`,
    );
}

/** How long after the fault a check keeps retrying reads that still answer 503/504. */
const READ_RETRY_MS = 20_000;

/** A read after the fault; retried while an edge still says 503/504 until `deadline`, never on other answers. */
async function read(api: ApiClient, path: string, deadline: number): Promise<ApiResponse> {
  for (;;) {
    const response = await api.get(path, { 'cache-control': 'no-cache' }).catch(() => undefined);
    if (response && !FAULT_ANSWERS[response.status]) return response;
    if (Date.now() > deadline) return response ?? { status: 0, headers: new Headers(), body: undefined };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Every acknowledged create is readable; each application's desired state is its last acknowledged
 * version, or a later unacknowledged one (a write answered 503/504 may still have been stored).
 */
export async function unreadableWrites(api: ApiClient, writes: WriteRecord[]): Promise<string[]> {
  const deadline = Date.now() + READ_RETRY_MS;
  const created = writes.flatMap((w) => (w.kind === 'create' && w.acked ? [w] : []));
  const desired = writes.flatMap((w) => (w.kind === 'desired' ? [w] : []));
  const apps = [...new Set(desired.map((w) => w.appId))];
  const problems = await Promise.all([
    ...created.map(async (write) => {
      const got = await read(api, `/applications/${write.appId}`, deadline);
      return got.status === 200 ? [] : [`created ${write.appId} (${write.name}) answers ${got.status}`];
    }),
    ...apps.map(async (appId) => {
      const versions = desired.filter((w) => w.appId === appId);
      const lastAcked = versions.findLastIndex((w) => w.acked);
      if (lastAcked === -1) return [];
      const possible = versions.slice(lastAcked).map((w) => w.version);
      const got = await read(api, `/applications/${appId}/desired-state`, deadline);
      const version = got.body?.data?.version;
      return got.status === 200 && possible.includes(version)
        ? []
        : [`${appId}: desired ${got.status} ${version}, expected one of ${possible.join(', ')}`];
    }),
  ]);
  return problems.flat();
}

/**
 * Every operation of the tenant (listed, so those of unacknowledged deploys too) ends in a final state,
 * and succeeded unless its deploy was never acknowledged and never reached the application.
 */
export async function unfinishedOperations(api: ApiClient, started: string[]): Promise<string[]> {
  const listed: string[] = [];
  for (let page = 1; page <= 20; page++) {
    const got = await read(api, `/operations?per_page=200&page=${page}`, Date.now() + READ_RETRY_MS);
    if (got.status !== 200) return [`GET /operations answered ${got.status}`];
    listed.push(...(got.body.data as { id: string }[]).map((op) => op.id));
    if (page >= got.body.pagination.total_pages) break;
  }
  const problems = started.filter((id) => !listed.includes(id)).map((id) => `${id} acknowledged, not listed`);
  const ends = await Promise.all(
    listed.map((id) =>
      waitForOperation(api, id, 30_000).catch((error: Error) => ({ id, error: error.message })),
    ),
  );
  for (const op of ends) {
    if (op.status === 'succeeded') continue;
    // A deploy whose instance died between queueing the operation and attaching it to the application
    // never answered 202; the runner then fails that operation with this reason, and nobody was told
    // of it. Only then may an operation end otherwise than succeeded.
    const unacknowledged = !started.includes(op.id);
    if (unacknowledged && op.status === 'failed' && /never attached to its target/.test(String(op.error)))
      continue;
    problems.push(`${op.id}: ${op.status ?? 'not final'} ${JSON.stringify(op.error)}`);
  }
  return problems;
}

/** The tight tenant: refused with 429s, admitted at most `bound`, and otherwise only fault answers. */
export function rateLimitProblems(answers: ProbeAnswer[], bound: number, killedEdges: string[]): string[] {
  const problems: string[] = [];
  const admitted = answers.filter((a) => a.status === 200).length;
  if (admitted > bound) problems.push(`${admitted} requests admitted, the documented bound is ${bound}`);
  if (!answers.some((a) => a.status === 429)) problems.push('no request was refused with 429');
  for (const a of answers) {
    if (a.status === 200 || (a.status === 429 && a.code === 'RATE_LIMIT_EXCEEDED')) continue;
    if (!allowed(a.status, a.code, a.edge, killedEdges))
      problems.push(`${new Date(a.at).toISOString()} via ${a.edge}: ${a.status} ${a.code}`);
  }
  return problems;
}
