// Finding 8 (issue 9): re-authenticating as a weaker role kept every topic already subscribed.
import { ApiError, CloseCodes, type Principal } from '@idp/contracts';
import { describe, expect, it } from 'vitest';
import { alice, frame, setup } from '../test/fake-context.js';
import type { TopicDecision } from './topic-authorizer.js';

const admin: Principal = { ...alice, roles: [{ role: 'admin', scope: 'tenant:t1' }] };
const webDev: Principal = { ...alice, roles: [{ role: 'developer', scope: 'team:web' }] };
const state = { platformDown: false };

/** `app_web*` is team web's (readable by both tokens); `app_api*` only by the tenant admin. */
async function byTeam(p: Principal, topic: string): Promise<TopicDecision> {
  if (state.platformDown) throw new ApiError('SERVICE_UNAVAILABLE', 'platform down');
  const id = topic.split(':')[1]!;
  const ok = id.startsWith('app_web') || p.roles.some((r) => r.role === 'admin');
  return ok
    ? { allowed: true, rule: 'test', topic: { kind: 'application', id, channel: 'status' } }
    : { allowed: false, code: 'FORBIDDEN', message: `Not allowed to subscribe to '${topic}'` };
}

async function adminWithTopics(authorize = byTeam) {
  const s = setup({}, { principals: { admin, webDev, other: { ...admin, tenant_id: 't2' } }, authorize });
  const c = s.connect('admin');
  c.onFrame(
    frame({
      type: 'subscribe',
      topics: ['application:app_web:status', 'application:app_api:status', 'application:app_api2:status'],
    }),
    false,
  );
  await c.settled();
  expect(s.sent.at(-1)).toMatchObject({ type: 'subscribed' });
  return { ...s, c };
}

const subscribers = (s: { index: { get(subject: string): ReadonlySet<unknown> | undefined } }, id: string) =>
  s.index.get(`idp.evt.t1.application.${id}.status`)?.size ?? 0;

describe('re-authentication', () => {
  it('drops the topics the new token may not read, naming them, and keeps the rest', async () => {
    const s = await adminWithTopics();
    s.c.onFrame(frame({ type: 'auth', token: 'webDev' }), false);
    await s.c.settled();
    expect(s.sent.at(-1)).toEqual({
      type: 'error',
      error: {
        code: 'FORBIDDEN',
        message: "No longer allowed: 'application:app_api:status' (and 1 more topics)",
        details: { topics: ['application:app_api:status', 'application:app_api2:status'] },
      },
    });
    expect(s.c.subscriptions.topics()).toEqual(['application:app_web:status']);
    expect(subscribers(s, 'app_api')).toBe(0);
    expect(subscribers(s, 'app_web')).toBe(1);
    expect(s.closes).toEqual([]);
  });

  it('checks every held topic again instead of reusing decisions of the old token', async () => {
    const s = await adminWithTopics();
    s.authorizeCalls.length = 0;
    s.c.onFrame(frame({ type: 'auth', token: 'admin' }), false);
    await s.c.settled();
    expect(s.authorizeCalls).toHaveLength(3);
    expect(s.c.subscriptions.size).toBe(3);
  });

  it('drops held topics it cannot check now (deny by default), with a retryable error', async () => {
    const s = await adminWithTopics();
    state.platformDown = true;
    try {
      s.c.onFrame(frame({ type: 'auth', token: 'admin' }), false);
      await s.c.settled();
    } finally {
      state.platformDown = false;
    }
    expect(s.c.subscriptions.size).toBe(0);
    expect(s.sent.at(-1).error).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(s.sent.at(-1).error.details.topics).toHaveLength(3);
  });

  it('is refused, closing 4403, when the token is of another tenant', async () => {
    const s = await adminWithTopics();
    s.c.onFrame(frame({ type: 'auth', token: 'other' }), false);
    await s.c.settled();
    expect(s.closes).toEqual([CloseCodes.PRINCIPAL_CHANGED]);
    expect(s.index.subjects).toBe(0);
  });

  it('forgets cached refusals, so rights gained with the new token count at once', async () => {
    const s = setup({}, { principals: { admin, webDev }, authorize: byTeam });
    const c = s.connect('webDev');
    const subscribe = frame({ type: 'subscribe', topics: ['application:app_api:status'] });
    c.onFrame(subscribe, false);
    c.onFrame(subscribe, false);
    await c.settled();
    expect(s.authorizeCalls).toHaveLength(1);
    c.onFrame(frame({ type: 'auth', token: 'admin' }), false);
    c.onFrame(subscribe, false);
    await c.settled();
    expect(s.sent.at(-1)).toMatchObject({ type: 'subscribed', topics: ['application:app_api:status'] });
  });
});
