import { CloseCodes, type Principal } from '@idp/contracts';
import { describe, expect, it } from 'vitest';
import { alice, authed, setup as fakeSetup } from '../test/fake-context.js';

const setup = (overrides = {}, principals: Record<string, Principal> = {}) =>
  fakeSetup(overrides, { principals });

describe('inbound frame validation', () => {
  it.each([
    ['bad JSON', '{nope', 'VALIDATION_ERROR', /not valid JSON/],
    ['a non-object', '[1,2]', 'VALIDATION_ERROR', /JSON object/],
    ['no type', '{"topics":[]}', 'VALIDATION_ERROR', /string "type"/],
    ['an unknown type', '{"type":"publish"}', 'VALIDATION_ERROR', /Unknown message type 'publish'/],
    ['a malformed topic', '{"type":"subscribe","topics":["app 1"]}', 'VALIDATION_ERROR', /topics\.0/],
    ['an empty topic list', '{"type":"subscribe","topics":[]}', 'VALIDATION_ERROR', /topics/],
    ['a negative since', '{"type":"subscribe","topics":["a:b:c"],"since":-1}', 'VALIDATION_ERROR', /since/],
    ['an unknown field', '{"type":"ping","x":1}', 'VALIDATION_ERROR', /ping/],
  ])('answers %s with an error and keeps the connection', async (_, frame, code, message) => {
    const { c, sent, closes } = await authed();
    c.onFrame(frame, false);
    await c.settled();
    expect(sent.at(-1)).toMatchObject({
      type: 'error',
      error: { code, message: expect.stringMatching(message) },
    });
    expect(closes).toEqual([]);
  });

  it('refuses binary and oversized frames with clear codes', async () => {
    const { c, sent } = await authed({ max_frame_bytes: 256 });
    c.onFrame(Buffer.from('{"type":"ping"}'), true);
    c.onFrame(JSON.stringify({ type: 'subscribe', topics: ['a:b:c'], pad: 'x'.repeat(300) }), false);
    expect(sent.map((m) => m.error?.code)).toEqual(['VALIDATION_ERROR', 'PAYLOAD_TOO_LARGE']);
    expect(sent[0].error.message).toMatch(/Binary/);
  });

  it('refuses more topics than the limit', async () => {
    const { c, sent } = await authed({ max_topics_per_connection: 2 });
    c.onFrame(JSON.stringify({ type: 'subscribe', topics: ['a:1:x', 'a:2:x', 'a:3:x'] }), false);
    await c.settled();
    expect(sent.at(-1).error).toMatchObject({ code: 'QUOTA_EXCEEDED', details: { limit: 2 } });
  });

  it('answers ping with pong', async () => {
    const { c, sent } = await authed();
    c.onFrame('{"type":"ping"}', false);
    await c.settled();
    expect(sent.at(-1)).toEqual({ type: 'pong' });
  });
});

describe('authentication', () => {
  it('closes with 4408 when no auth message arrives in time', () => {
    const { connect, sent, closes } = setup({ auth_timeout_ms: 1000 });
    const c = connect(undefined, 0);
    c.tick(999);
    expect(closes).toEqual([]);
    c.tick(1000);
    expect(closes).toEqual([CloseCodes.AUTH_TIMEOUT]);
    expect(sent[0].error.code).toBe('UNAUTHENTICATED');
  });

  it('accepts a ?token= and closes 4401 on a refused token', async () => {
    const ok = setup();
    const c = ok.connect('tok-alice');
    await c.settled();
    expect(c.isOpen).toBe(true);
    const bad = setup();
    const d = bad.connect('nope');
    await d.settled();
    expect(bad.closes).toEqual([CloseCodes.AUTH_FAILED]);
    expect(bad.sent[0].error.code).toBe('UNAUTHENTICATED');
  });

  it('refuses any other message before authentication', async () => {
    const { connect, closes, sent } = setup();
    const c = connect();
    c.onFrame('{"type":"subscribe","topics":["application:app_ok:status"]}', false);
    await c.settled();
    expect(sent[0].error.code).toBe('UNAUTHENTICATED');
    expect(closes).toEqual([CloseCodes.AUTH_FAILED]);
  });

  it('tells an expired session "token expired" and closes 4002, unless it re-authenticated', async () => {
    const now = Date.now();
    const soon = { ...alice, expires_at: Math.floor(now / 1000) + 10 };
    const later = { ...alice, expires_at: Math.floor(now / 1000) + 3600 };
    const s = setup({}, { soon, later });
    const c = s.connect('soon');
    await c.settled();
    c.onFrame(JSON.stringify({ type: 'auth', token: 'later' }), false);
    await c.settled();
    c.tick(now + 11_000);
    expect(s.closes).toEqual([]);
    const d = s.connect('soon');
    await d.settled();
    d.tick(now + 11_000);
    expect(s.sent.at(-1)).toEqual({
      type: 'error',
      error: { code: 'UNAUTHENTICATED', message: 'token expired' },
    });
    expect(s.closes).toEqual([CloseCodes.TOKEN_EXPIRED]);
  });

  it('refuses a re-auth that changes the user', async () => {
    const s = setup({}, { bob: { ...alice, sub: 'bob' } });
    const c = s.connect('tok-alice');
    c.onFrame(JSON.stringify({ type: 'auth', token: 'bob' }), false);
    await c.settled();
    expect(s.closes).toEqual([CloseCodes.PRINCIPAL_CHANGED]);
  });
});

describe('hygiene', () => {
  it('rate-limits messages, then closes 4429 when the excess persists', async () => {
    const { c, sent, closes } = await authed({
      messages_per_second: 1,
      message_burst: 2,
      rate_limit_close_after: 3,
    });
    const t = Date.now();
    for (let i = 0; i < 3; i++) c.onFrame('{"type":"ping"}', false, t);
    await c.settled();
    expect(sent.filter((m) => m.error?.code === 'RATE_LIMIT_EXCEEDED')).toHaveLength(2);
    c.onFrame('{"type":"ping"}', false, t);
    c.onFrame('{"type":"ping"}', false, t);
    expect(closes).toEqual([CloseCodes.RATE_LIMITED]);
  });

  it('pings every interval and closes 4003 when no pong came back', async () => {
    const { c, state, closes } = await authed({ heartbeat_interval_ms: 1000 });
    const t = Date.now();
    c.tick(t + 1000);
    expect(state.pings).toBe(1);
    c.onPong();
    c.tick(t + 2000);
    expect(state.pings).toBe(2);
    c.tick(t + 3000);
    expect(closes).toEqual([CloseCodes.HEARTBEAT_TIMEOUT]);
  });

  it('closes an idle connection without subscriptions with 4004', async () => {
    const { c, closes } = await authed({ idle_timeout_ms: 5000, heartbeat_interval_ms: 100_000 });
    c.tick(Date.now() + 5001);
    expect(closes).toEqual([CloseCodes.IDLE_TIMEOUT]);
  });

  it('closes a slow consumer with 4001 once its send buffer passes the bound', async () => {
    const { c, state, closes, index, sent } = await authed({ send_buffer_bytes: 16_384 });
    c.onFrame(JSON.stringify({ type: 'subscribe', topics: ['application:app_ok:status'] }), false);
    await c.settled();
    expect(sent.at(-1)).toMatchObject({ type: 'subscribed', epoch: 'e1' });
    const sub = [...index.get('idp.evt.t1.application.app_ok.status')!][0]!;
    sub.deliver(1, Buffer.from('{"type":"event","seq":1}'));
    state.buffered = 20_000;
    sub.deliver(2, Buffer.from('{"type":"event","seq":2}'));
    expect(closes).toEqual([CloseCodes.SLOW_CONSUMER]);
    expect(index.subjects).toBe(0);
  });

  it('reports refused topics with their names and subscribes the rest', async () => {
    const { c, sent } = await authed();
    c.onFrame(
      JSON.stringify({
        type: 'subscribe',
        topics: ['application:app_ok:status', 'application:app_x:status'],
      }),
      false,
    );
    await c.settled();
    expect(sent).toContainEqual({
      type: 'error',
      error: {
        code: 'FORBIDDEN',
        message: "Not allowed to subscribe to 'application:app_x:status'",
        details: { topics: ['application:app_x:status'] },
      },
    });
    expect(sent.at(-1)).toEqual({ type: 'subscribed', topics: ['application:app_ok:status'], epoch: 'e1' });
  });
});

describe('revocation', () => {
  it('closes 4402 when the credential it authenticated with is revoked, and only then', async () => {
    const bot: Principal = {
      ...alice,
      credential: 'service_account',
      credential_id: 'sa_1',
      token_id: 'tok_1',
    };
    const s = setup({}, { 'tok-bot': bot });
    const c = s.connect();
    c.onFrame(JSON.stringify({ type: 'auth', token: 'tok-bot' }), false);
    await c.settled();
    expect(c.revokeIfUsing({ credential_id: 'key_other' })).toBe(false);
    expect(c.revokeIfUsing({ token_id: 'tok_1' })).toBe(true);
    expect(s.closes).toEqual([CloseCodes.CREDENTIAL_REVOKED]);
    expect(s.sent.at(-1)).toEqual({
      type: 'error',
      error: { code: 'UNAUTHENTICATED', message: 'credential revoked' },
    });
  });
});

describe('bounded inbound queue and connection caps', () => {
  it('refuses frames past max_queued_messages while one is being handled, then closes 4429', async () => {
    let unblock!: () => void;
    const s = fakeSetup(
      { max_queued_messages: 3, message_burst: 1_000, rate_limit_close_after: 6 },
      {
        // The first token check hangs: everything sent after it waits in the queue.
        authenticate: () => new Promise((resolve) => (unblock = () => resolve(alice))),
      },
    );
    const c = s.connect();
    c.onFrame(JSON.stringify({ type: 'auth', token: 'slow' }), false);
    await Promise.resolve();
    for (let i = 0; i < 5; i++) c.onFrame('{"type":"ping"}', false);
    const refused = s.sent.filter((m) => m.error?.code === 'RATE_LIMIT_EXCEEDED');
    expect(refused).toHaveLength(2);
    expect(refused[0].error).toMatchObject({
      message: expect.stringMatching(/waiting/),
      details: { limit: 3 },
    });
    unblock();
    await c.settled();
    expect(s.sent.filter((m) => m.type === 'pong')).toHaveLength(3);
    // A client that keeps flooding a busy connection is closed like an over-rate one.
    c.onFrame(JSON.stringify({ type: 'auth', token: 'again' }), false);
    await Promise.resolve();
    for (let i = 0; i < 9; i++) c.onFrame('{"type":"ping"}', false);
    expect(s.closes).toEqual([CloseCodes.RATE_LIMITED]);
    unblock();
  });

  it('closes 4431 when the principal already holds max_connections_per_principal', async () => {
    const s = fakeSetup({ max_connections_per_principal: 1 });
    const first = s.connect('tok-alice');
    await first.settled();
    const second = s.connect('tok-alice');
    await second.settled();
    expect(s.closes).toEqual([CloseCodes.TOO_MANY_CONNECTIONS_PRINCIPAL]);
    expect(s.sent.at(-1).error).toMatchObject({ code: 'QUOTA_EXCEEDED' });
    // The slot comes back when the socket is gone.
    second.closed();
    first.closed();
    const third = s.connect('tok-alice');
    await third.settled();
    expect(third.isOpen).toBe(true);
  });
});
