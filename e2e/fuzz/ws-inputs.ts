// Generated WebSocket frames for /ws/v1: protocol messages with valid and hostile fields, any JSON,
// text that is not JSON, binary and oversized frames.
import fc from 'fast-check';
import { hostileValue } from './schema-arbitrary.js';

export interface Frame {
  /** Text frames carry a string; binary frames a byte array. */
  data: string | Uint8Array;
  /** `valid-token` and `other-user-token` are replaced by real tokens when sent. */
  note?: 'valid-token' | 'other-user-token';
}

/** Topics of real objects of the fuzzed tenant, to reach past validation into authorisation. */
export type KnownTopics = string[];

const topic = (known: KnownTopics) =>
  fc.oneof(
    {
      weight: 3,
      arbitrary: known.length > 0 ? fc.constantFrom(...known) : fc.constant('user:notifications'),
    },
    { weight: 2, arbitrary: fc.constant('user:notifications') },
    {
      weight: 3,
      arbitrary: fc
        .tuple(
          fc.constantFrom('application', 'operation', 'resource', 'team', 'user', 'x'),
          fc.stringMatching(/^[A-Za-z0-9_-]{1,24}$/),
          fc.constantFrom('status', 'progress', 'health', 'logs', 'notifications'),
        )
        .map((parts) => parts.join(':')),
    },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
    { weight: 1, arbitrary: hostileValue },
  );

const message = (known: KnownTopics) =>
  fc.oneof(
    fc.record(
      {
        type: fc.constant('subscribe'),
        topics: fc.oneof(fc.array(topic(known), { minLength: 0, maxLength: 6 }), hostileValue),
        since: fc.oneof(fc.nat(), fc.integer(), fc.double(), hostileValue),
        epoch: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/), hostileValue),
        extra: hostileValue,
      },
      { requiredKeys: ['type', 'topics'] },
    ),
    fc.record(
      {
        type: fc.constant('unsubscribe'),
        topics: fc.array(topic(known), { maxLength: 4 }),
        extra: hostileValue,
      },
      { requiredKeys: ['type', 'topics'] },
    ),
    fc.record({ type: fc.constant('ping'), extra: hostileValue }, { requiredKeys: ['type'] }),
    fc.record({ type: fc.constant('auth'), token: fc.oneof(fc.string({ maxLength: 200 }), hostileValue) }),
    fc.record({ type: fc.oneof(fc.string({ maxLength: 20 }), hostileValue), data: hostileValue }),
  );

export function frame(known: KnownTopics, maxFrameBytes: number): fc.Arbitrary<Frame> {
  const text = (a: fc.Arbitrary<unknown>) => a.map((v) => ({ data: JSON.stringify(v) ?? 'null' }));
  return fc.oneof(
    { weight: 10, arbitrary: text(message(known)) },
    { weight: 2, arbitrary: text(hostileValue) },
    { weight: 2, arbitrary: fc.string({ maxLength: 100 }).map((data) => ({ data })) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 100 }).map((data) => ({ data })) },
    {
      weight: 1,
      arbitrary: fc.constantFrom<Frame>(
        { data: '{"type":"ping"}' },
        { data: '{"type":"auth","token":"TOKEN"}', note: 'valid-token' },
        { data: '{"type":"auth","token":"TOKEN"}', note: 'other-user-token' },
        { data: '{"type":"subscribe","topics":["user:notifications"],"since":0}' },
        { data: '{"__proto__":{"type":"ping"}}' },
        { data: '{"type":"subscribe","topics":["user:notifications"],"__proto__":{"x":1}}' },
        { data: `${'['.repeat(10_000)}${']'.repeat(10_000)}` },
        { data: `{"type":"ping","x":"${'x'.repeat(maxFrameBytes)}"}` },
        { data: '' },
        { data: '\uFEFF{"type":"ping"}' },
        { data: JSON.stringify({ type: 'subscribe', topics: Array(1_001).fill('user:notifications') }) },
      ),
    },
  );
}
