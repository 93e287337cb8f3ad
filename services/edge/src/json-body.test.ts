import { ApiError } from '@idp/contracts';
import { describe, expect, it } from 'vitest';
import { nestedDeeperThan, parseJsonBody } from './json-body.js';

const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const refusal = (text: string, maxDepth = 32) => {
  try {
    parseJsonBody(text, maxDepth);
  } catch (error) {
    return error as ApiError;
  }
  throw new Error('expected a refusal');
};

describe('JSON body parser', () => {
  it('parses ordinary bodies and treats an empty one as no body', () => {
    expect(parseJsonBody('{"name":"web","tags":["a",{"b":[1]}]}', 32)).toEqual({
      name: 'web',
      tags: ['a', { b: [1] }],
    });
    expect(parseJsonBody('  ', 32)).toBeUndefined();
  });

  it.each([
    ['__proto__', '{"env":{"__proto__":{"polluted":"yes"}}}'],
    ['escaped __proto__', '{"env":{"\\u005f_proto__":"x"}}'],
    ['constructor.prototype', '{"constructor":{"prototype":{"polluted":"yes"}}}'],
  ])('refuses a %s key with VALIDATION_ERROR naming it', (_label, text) => {
    const error = refusal(text);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'VALIDATION_ERROR', details: { reason: 'forbidden key' } });
    expect(error.message).toMatch(/__proto__/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses a body nested deeper than the limit before parsing it', () => {
    expect(parseJsonBody(nested(32), 32)).toBeTypeOf('object');
    expect(refusal(nested(33))).toMatchObject({
      code: 'VALIDATION_ERROR',
      details: { reason: 'too deeply nested', max_depth: 32 },
    });
    expect(refusal(nested(5000))).toMatchObject({ code: 'VALIDATION_ERROR', details: { max_depth: 32 } });
    expect(refusal('['.repeat(1_000_000))).toMatchObject({ details: { reason: 'too deeply nested' } });
  });

  it('ignores brackets inside strings when measuring depth', () => {
    expect(nestedDeeperThan(JSON.stringify({ s: '[[[[[[[[[[{{{{{{{{{{"\\' }), 3)).toBe(false);
    expect(nestedDeeperThan('[[[[]]]]', 3)).toBe(true);
  });

  it('refuses text that is not JSON', () => {
    expect(refusal('{"name": ')).toMatchObject({
      code: 'VALIDATION_ERROR',
      details: { reason: 'not valid JSON' },
    });
  });
});
