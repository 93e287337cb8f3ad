// The edge's one JSON body parser. Bodies are parsed with secure-json-parse, refusing `__proto__`
// and `constructor.prototype` keys (prototype pollution), after a nesting-depth check on the text
// itself, so that no deeply nested value is ever built, validated or forwarded. An empty body is
// "no options" (POST /deploy with `Content-Type: application/json` and nothing else).
import { ApiError } from '@idp/contracts';
import type { FastifyInstance } from 'fastify';
import { scan } from 'secure-json-parse';

export function installJsonBodyParser(app: FastifyInstance, options: { maxDepth: number }) {
  // JSON only: fastify's default text/plain parser would let a text body reach validation as a string.
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string, options.maxDepth));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}

/** Parses a request body; every refusal is a 400 VALIDATION_ERROR that names the problem. */
export function parseJsonBody(text: string, maxDepth: number): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (nestedDeeperThan(trimmed, maxDepth)) {
    throw new ApiError('VALIDATION_ERROR', `The request body is nested more than ${maxDepth} levels deep`, {
      field: 'body',
      reason: 'too deeply nested',
      max_depth: maxDepth,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    throw new ApiError('VALIDATION_ERROR', 'The request body is not valid JSON', {
      field: 'body',
      reason: 'not valid JSON',
    });
  }
  if (value !== null && typeof value === 'object') {
    try {
      scan(value, { protoAction: 'error', constructorAction: 'error' });
    } catch {
      throw new ApiError(
        'VALIDATION_ERROR',
        "The request body contains a forbidden key ('__proto__' or 'constructor.prototype')",
        { field: 'body', reason: 'forbidden key' },
      );
    }
  }
  return value;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPENERS = new Set([0x7b, 0x5b]); // { [
const CLOSERS = new Set([0x7d, 0x5d]); // } ]

/** Whether objects/arrays in the JSON text nest deeper than `max` (brackets inside strings ignored). */
export function nestedDeeperThan(text: string, max: number): boolean {
  if (text.length <= max * 2) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (OPENERS.has(c)) {
      if (++depth > max) return true;
    } else if (CLOSERS.has(c)) {
      depth--;
    }
  }
  return false;
}
