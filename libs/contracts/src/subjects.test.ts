import { describe, expect, it } from 'vitest';
import { EventStoreSubjects, EventSubjects, parseTopic, subjectToken } from './index.js';

describe('subjectToken', () => {
  it('keeps ids that are already safe', () => {
    expect(subjectToken('app_3kq9x2')).toBe('app_3kq9x2');
  });
  it('encodes characters that would change a subject’s meaning', () => {
    for (const raw of ['alice@example.com', 'a.b', 'x*', 'team>', 'with space']) {
      const token = subjectToken(raw);
      expect(token).toMatch(/^~[A-Za-z0-9_-]+$/);
    }
    expect(subjectToken('a.b')).not.toBe(subjectToken('a_b'));
  });
});

describe('parseTopic', () => {
  it('parses kind:id:channel', () => {
    expect(parseTopic('application:app_1:status', 'u1')).toEqual({
      kind: 'application',
      id: 'app_1',
      channel: 'status',
    });
  });
  it('resolves user:notifications to the caller', () => {
    expect(parseTopic('user:notifications', 'alice')).toEqual({
      kind: 'user',
      id: 'alice',
      channel: 'notifications',
    });
  });
  it.each([
    'application:app_1',
    'application:app.1:status',
    'a:b:c:d',
    'application::status',
    'application:>:status',
    '',
  ])('rejects %j', (topic) => {
    expect(parseTopic(topic, 'u1')).toBeUndefined();
  });
});

describe('subjects', () => {
  it('puts the tenant in every event and event-store subject', () => {
    expect(EventSubjects.application('t1', 'app_123')).toBe('idp.evt.t1.application.app_123.status');
    expect(EventSubjects.userNotifications('t1', 'alice@example.com')).toMatch(
      /^idp\.evt\.t1\.user\.~[^.]+\.notifications$/,
    );
    expect(EventStoreSubjects.aggregate('t1', 'application', 'app_1')).toBe('idp.es.t1.application.app_1');
  });
});
