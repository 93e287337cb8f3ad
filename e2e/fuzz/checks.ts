// What every answer must look like, and the record of what did not: the error envelope with a known
// UPPER_SNAKE code whose status is the response's, WebSocket frames of the protocol, live processes.
import { type ErrorCode, ErrorCodes, ServerMessage } from '@idp/contracts';
import { Compile } from 'typebox/compile';
import type { System } from '../test/system.js';

const UPPER_SNAKE = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/;
const isCode = (code: unknown): code is ErrorCode =>
  typeof code === 'string' && UPPER_SNAKE.test(code) && Object.hasOwn(ErrorCodes, code);

export interface Violation {
  kind: string;
  detail: string;
  input: unknown;
}

/** Violations grouped by kind; the first inputs of each kept whole, to reproduce. */
export class Findings {
  readonly byKind = new Map<string, { count: number; examples: Violation[] }>();

  add(violation: Violation): void {
    const entry = this.byKind.get(violation.kind) ?? { count: 0, examples: [] };
    entry.count++;
    if (entry.examples.length < 3) entry.examples.push(violation);
    this.byKind.set(violation.kind, entry);
  }

  get total(): number {
    return [...this.byKind.values()].reduce((sum, e) => sum + e.count, 0);
  }

  report(): string {
    return [...this.byKind.entries()]
      .map(
        ([kind, e]) =>
          `${kind}: ${e.count}\n${e.examples.map((v) => `  ${v.detail}\n  input: ${JSON.stringify(v.input)}`).join('\n')}`,
      )
      .join('\n');
  }
}

/** Why an HTTP answer breaks the contract, or undefined. */
export function httpProblem(status: number, text: string): string | undefined {
  if (status >= 500) return `status ${status}: ${text.slice(0, 300)}`;
  // biome-ignore lint/suspicious/noExplicitAny: checks an untyped envelope
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    return `status ${status}: body is not JSON: ${text.slice(0, 120)}`;
  }
  const meta = body?.meta;
  if (typeof meta?.request_id !== 'string' || typeof meta?.timestamp !== 'string' || !meta?.api_version)
    return `status ${status}: no meta {request_id, timestamp, api_version}`;
  if (status < 400) return body.success === true ? undefined : `status ${status} without success:true`;
  if (body.success !== false) return `status ${status} without success:false`;
  const { code, message } = body.error ?? {};
  if (!isCode(code)) return `status ${status}: unknown error code ${JSON.stringify(code)}`;
  if (ErrorCodes[code] !== status) return `status ${status} with code ${code} (${ErrorCodes[code]})`;
  if (typeof message !== 'string' || message.length === 0) return `status ${status}: no error message`;
  return undefined;
}

const checkServerMessage = Compile(ServerMessage);

/** Why a WebSocket frame from the server breaks the protocol, or undefined. */
export function frameProblem(text: string): string | undefined {
  // biome-ignore lint/suspicious/noExplicitAny: checks an untyped frame
  let message: any;
  try {
    message = JSON.parse(text);
  } catch {
    return `frame is not JSON: ${text.slice(0, 120)}`;
  }
  if (!checkServerMessage.Check(message)) return `frame is no server message: ${text.slice(0, 200)}`;
  if (message.type !== 'error') return undefined;
  if (!isCode(message.error.code)) return `unknown error code ${message.error.code}`;
  // The client caused none of these: each is a failure of the server.
  if (['INTERNAL_ERROR', 'SERVICE_UNAVAILABLE', 'GATEWAY_TIMEOUT'].includes(message.error.code))
    return `server failure ${message.error.code}: ${message.error.message}`;
  if (!message.error.message) return 'error frame without a message';
  return undefined;
}

const LAST_RESORT = /unhandled promise rejection|uncaught exception|"level":60/;

/** Every service process still runs, and none logged an error that escaped its handlers. */
export function processProblems(system: System): string[] {
  const problems: string[] = [];
  for (const [name, service] of Object.entries(system.services)) {
    try {
      process.kill(service.pid, 0);
    } catch {
      problems.push(`${name} (pid ${service.pid}) exited:\n${service.output().slice(-2_000)}`);
      continue;
    }
    const output = service.output();
    if (!LAST_RESORT.test(output)) continue;
    const line = output.split('\n').find((l) => LAST_RESORT.test(l));
    problems.push(`${name} logged: ${line?.slice(0, 1_000)}`);
  }
  return problems;
}
