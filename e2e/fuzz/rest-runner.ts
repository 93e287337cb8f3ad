// Sends generated requests as an HTTP client would and checks each answer against the contract.
import { type Findings, httpProblem } from './checks.js';
import type { Credential, RestInput } from './rest-inputs.js';

export type CredentialHeaders = Record<Credential, Record<string, string>>;

export interface RestCounts {
  sent: number;
  byStatus: Record<string, number>;
  /** 429s by the policy that refused (the `RateLimit` header names it). */
  refusedBy: Record<string, number>;
  /** The slowest answers, to explain a slow run. */
  slowest: Array<{ ms: number; status: number; input: RestInput }>;
}

function noteDuration(counts: RestCounts, ms: number, status: number, input: RestInput): void {
  if (counts.slowest.length >= 5 && ms <= counts.slowest.at(-1)!.ms) return;
  counts.slowest.push({ ms, status, input });
  counts.slowest.sort((a, b) => b.ms - a.ms);
  counts.slowest.length = Math.min(counts.slowest.length, 5);
}

export async function sendRest(
  baseUrl: string,
  input: RestInput,
  credentials: CredentialHeaders,
  findings: Findings,
  counts: RestCounts,
): Promise<void> {
  let status: number;
  let text: string;
  const started = performance.now();
  try {
    const res = await fetch(`${baseUrl}/api/v1${input.url}`, {
      method: input.method,
      headers: { ...credentials[input.credential], ...input.headers },
      ...(input.body === undefined ? {} : { body: input.body }),
      signal: AbortSignal.timeout(15_000),
    });
    status = res.status;
    text = await res.text();
    if (status === 429) {
      const policy = /^"?([^";]+)/.exec(res.headers.get('ratelimit') ?? '')?.[1] ?? 'none';
      counts.refusedBy[policy] = (counts.refusedBy[policy] ?? 0) + 1;
    }
  } catch (error) {
    // The client refused to send it (an odd header, say): not an input the server saw.
    if (error instanceof TypeError && !/fetch failed/.test(error.message)) return;
    counts.sent++;
    findings.add({ kind: 'rest: no answer', detail: String((error as Error).cause ?? error), input });
    return;
  }
  counts.sent++;
  counts.byStatus[status] = (counts.byStatus[status] ?? 0) + 1;
  noteDuration(counts, Math.round(performance.now() - started), status, input);
  const problem = httpProblem(status, text);
  if (problem) {
    const code = /"code":"([A-Z_]+)"/.exec(text)?.[1] ?? '';
    findings.add({ kind: `rest: ${input.route} ${status} ${code}`.trim(), detail: problem, input });
  }
}
