import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { colorWanted, stripAnsi } from './colors.js';
import { Output } from './output.js';

function capture(isTTY = false) {
  const text = { stdout: '', stderr: '' };
  const sink = (key: 'stdout' | 'stderr') =>
    Object.assign(
      new Writable({
        write(chunk, _encoding, done) {
          text[key] += String(chunk);
          done();
        },
      }),
      { isTTY },
    );
  return { text, streams: { stdout: sink('stdout'), stderr: sink('stderr') } };
}

describe('colorWanted', () => {
  it('colours a terminal unless --no-color or a non-empty NO_COLOR says otherwise', () => {
    expect(colorWanted({ noColor: false, env: {}, isTTY: true })).toBe(true);
    expect(colorWanted({ noColor: true, env: {}, isTTY: true })).toBe(false);
    expect(colorWanted({ noColor: false, env: { NO_COLOR: '1' }, isTTY: true })).toBe(false);
    expect(colorWanted({ noColor: false, env: { NO_COLOR: '' }, isTTY: true })).toBe(true);
    expect(colorWanted({ noColor: false, env: {}, isTTY: false })).toBe(false);
  });
});

describe('Output', () => {
  it('aligns table columns by their visible width, colours included', () => {
    const { text, streams } = capture();
    const out = new Output('table', true, streams);
    out.table(
      [
        { id: 'a', status: out.style('green', 'ok') },
        { id: 'longer', status: null },
      ],
      [
        { header: 'id', value: (r) => r.id },
        { header: 'status', value: (r) => r.status },
      ],
    );
    const plain = stripAnsi(text.stdout);
    expect(plain).not.toBe(text.stdout);
    expect(plain).toBe('ID      STATUS\na       ok\nlonger  -\n');
  });

  it('in JSON mode writes only the data to stdout and people-lines to stderr', () => {
    const { text, streams } = capture(true);
    const out = new Output('json', false, streams);
    out.say('working…');
    out.result({ id: 'op_1' }, () => out.say('not shown'));
    expect(JSON.parse(text.stdout)).toEqual({ id: 'op_1' });
    expect(text.stderr).toBe('working…\n');
    expect(out.animated).toBe(false);
  });
});
