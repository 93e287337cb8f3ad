// Turns one inbound WebSocket frame into a validated client message, or the error the client is told:
// bad JSON, a binary frame, an oversized frame, an unknown type and a schema failure each get a clear
// code and a message naming the problem. Never throws.
import { type ClientMessage, ClientMessages, type ClientMessageType, type ErrorBody } from '@idp/contracts';
import { Compile } from 'typebox/compile';

const validators = Object.fromEntries(
  Object.entries(ClientMessages).map(([type, schema]) => [type, Compile(schema)]),
) as Record<ClientMessageType, ReturnType<typeof Compile>>;

export type ParsedFrame = { ok: true; message: ClientMessage } | { ok: false; error: ErrorBody };

const fail = (code: ErrorBody['code'], message: string): ParsedFrame => ({
  ok: false,
  error: { code, message },
});

export function parseClientFrame(
  data: string | Uint8Array,
  isBinary: boolean,
  maxBytes: number,
): ParsedFrame {
  const size = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
  if (size > maxBytes)
    return fail('PAYLOAD_TOO_LARGE', `Frame of ${size} bytes exceeds the limit of ${maxBytes}`);
  if (isBinary) return fail('VALIDATION_ERROR', 'Binary frames are not supported: send JSON text frames');
  let value: unknown;
  try {
    value = JSON.parse(typeof data === 'string' ? data : Buffer.from(data).toString('utf8'));
  } catch {
    return fail('VALIDATION_ERROR', 'The frame is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail('VALIDATION_ERROR', 'A message must be a JSON object with a "type"');
  }
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string') return fail('VALIDATION_ERROR', 'A message must have a string "type"');
  if (!Object.hasOwn(validators, type)) {
    return fail(
      'VALIDATION_ERROR',
      `Unknown message type '${type.slice(0, 40)}'; expected one of ${Object.keys(validators).join(', ')}`,
    );
  }
  const check = validators[type as ClientMessageType];
  if (!check.Check(value)) {
    const first = [...check.Errors(value)][0];
    const where = first?.instancePath ? first.instancePath.slice(1).replaceAll('/', '.') : type;
    return fail('VALIDATION_ERROR', `Invalid '${type}' message: ${where}: ${first?.message ?? 'invalid'}`);
  }
  return { ok: true, message: value as ClientMessage };
}
