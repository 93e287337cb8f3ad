// Requests no well-behaved HTTP client would send (bad request lines, header names and values,
// framing), written to a TCP socket as bytes, and the first answer read back. Whatever the parser
// refuses must still be answered in the error envelope.
import { connect } from 'node:net';
import fc from 'fast-check';
import { type Findings, httpProblem } from './checks.js';
import { WRITE_ROUTES } from './rest-inputs.js';

export interface RawInput {
  /** The request as text (each char one byte: latin1). */
  text: string;
}

const bytes = (maxLength: number) => fc.string({ unit: 'binary-ascii', maxLength });
const CRLF = '\r\n';

export function rawInput(token: string, knownId: string): fc.Arbitrary<RawInput> {
  const method = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...new Set(WRITE_ROUTES.map((r) => r.method))) },
    { weight: 1, arbitrary: fc.constantFrom('GET', 'PATCH', 'OPTIONS', 'TRACE', 'CONNECT', 'PRI', 'post') },
    { weight: 1, arbitrary: bytes(8) },
  );
  const path = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.constantFrom(
        ...WRITE_ROUTES.map((r) => `/api/v1${r.path.replace(/:[a-z_]+/g, knownId)}`),
      ),
    },
    { weight: 2, arbitrary: bytes(40).map((s) => `/api/v1/${s}`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('*', 'http://x/api/v1/teams', '', '/api/v1/teams#frag', '//api/v1/teams'),
    },
  );
  const version = fc.constantFrom(
    'HTTP/1.1',
    'HTTP/1.1',
    'HTTP/1.1',
    'HTTP/1.0',
    'HTTP/2.0',
    'HTTP/1.1 x',
    'HTTP/9',
    '',
  );
  const header = fc.oneof(
    {
      weight: 3,
      arbitrary: fc.constantFrom('content-type: application/json', 'accept: */*', 'if-match: "1"'),
    },
    { weight: 2, arbitrary: fc.tuple(bytes(12), bytes(30)).map(([n, v]) => `${n}: ${v}`) },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.stringMatching(/^[a-z-]{1,12}$/), bytes(30)).map(([n, v]) => `${n}: ${v}`),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'content-length: -1',
        'content-length: 5',
        'content-length: 5\r\ncontent-length: 6',
        'content-length: 99999999999999999999',
        'transfer-encoding: chunked',
        'transfer-encoding: chunked, identity',
        'transfer-encoding: chunked\r\ncontent-length: 3',
        ' folded: value',
        'no-colon-here',
        `x-big: ${'x'.repeat(20_000)}`,
        'host: a\r\nhost: b',
        'expect: 100-continue',
      ),
    },
  );
  return fc
    .record({
      method,
      path,
      version,
      auth: fc.boolean(),
      headers: fc.array(header, { maxLength: 5 }),
      body: fc.oneof(
        fc.constant(''),
        fc.constant('{"name":"raw"}'),
        bytes(60),
        fc.constant('5\r\nhello\r\n0\r\n\r\n'),
        fc.constant('zz\r\n'),
      ),
      lineEnd: fc.constantFrom(CRLF, CRLF, CRLF, '\n'),
    })
    .map(({ method, path, version, auth, headers, body, lineEnd }) => {
      const lines = [
        `${method} ${path} ${version}`.trimEnd(),
        'host: 127.0.0.1',
        'connection: close',
        ...(auth ? [`authorization: Bearer ${token}`] : []),
        ...headers,
      ];
      const framed = headers.some((h) => /^(content-length|transfer-encoding):/i.test(h));
      if (!framed && body) lines.push(`content-length: ${body.length}`);
      return { text: `${lines.join(lineEnd)}${lineEnd}${lineEnd}${body}` };
    });
}

export interface RawCounts {
  sent: number;
  answered: number;
  /** The server waited for bytes that never came (an incomplete request): no answer is due. */
  unanswered: number;
  byStatus: Record<string, number>;
}

/** Sends one raw request and checks the first response in it, if any. */
export function sendRaw(port: number, input: RawInput, findings: Findings, counts: RawCounts): Promise<void> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1');
    const timer = setTimeout(() => socket.destroy(), 3_000);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      counts.sent++;
      // Interim answers (`100 Continue` to an `Expect`) come before the real one.
      const reply = Buffer.concat(chunks)
        .toString('latin1')
        .replace(/^(HTTP\/1\.[01] 1\d\d[^\r]*\r\n(?:[^\r]+\r\n)*\r\n)+/, '');
      if (!reply) {
        counts.unanswered++;
        return resolve();
      }
      counts.answered++;
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(reply)?.[1] ?? 0);
      counts.byStatus[status] = (counts.byStatus[status] ?? 0) + 1;
      const problem =
        status === 0 ? `no status line: ${reply.slice(0, 100)}` : httpProblem(status, bodyOf(reply));
      if (problem) findings.add({ kind: `raw: ${status}`, detail: problem, input: input.text.slice(0, 600) });
      resolve();
    });
    socket.end(Buffer.from(input.text, 'latin1'));
  });
}

/** The body of the first response (Content-Length or chunked framing). */
function bodyOf(reply: string): string {
  const split = reply.indexOf('\r\n\r\n');
  if (split < 0) return '';
  const head = reply.slice(0, split);
  const rest = reply.slice(split + 4);
  const length = /\r\ncontent-length: *(\d+)/i.exec(head)?.[1];
  if (length !== undefined) return Buffer.from(rest, 'latin1').subarray(0, Number(length)).toString('utf8');
  if (/\r\ntransfer-encoding: *chunked/i.test(head)) {
    let out = '';
    let at = 0;
    for (;;) {
      const eol = rest.indexOf('\r\n', at);
      const size = Number.parseInt(rest.slice(at, eol), 16);
      if (!(size > 0)) break;
      out += rest.slice(eol + 2, eol + 2 + size);
      at = eol + 2 + size + 2;
    }
    return Buffer.from(out, 'latin1').toString('utf8');
  }
  return Buffer.from(rest, 'latin1').toString('utf8');
}
