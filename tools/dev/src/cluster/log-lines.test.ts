import { describe, expect, it } from 'vitest';
import { LineSplitter, prefixer, RecentLines } from './log-lines.js';

describe('log lines', () => {
  it('prefixes whole lines with the instance name, however the output is chunked', () => {
    let written = '';
    const out = prefixer((text) => (written += text), false);
    const splitter = new LineSplitter(out.forProcess('edge-1'));
    splitter.push('{"msg":"a"}\n{"ms');
    splitter.push('g":"b"}\npartial');
    splitter.flush();
    expect(written).toBe('[edge-1      ] {"msg":"a"}\n[edge-1      ] {"msg":"b"}\n[edge-1      ] partial\n');
  });

  it('keeps only the last lines for a failure message', () => {
    const recent = new RecentLines(2);
    for (const line of ['one', 'two', 'three']) recent.add(line);
    expect(recent.describe('auth-1')).toBe('the last lines of auth-1:\n  two\n  three');
    expect(new RecentLines().describe('auth-2')).toBe('auth-2 printed nothing');
  });
});
