import { OperationNotificationData } from '@idp/contracts';
import { Compile } from 'typebox/compile';
import { describe, expect, it } from 'vitest';
import { endNotification, notificationMsgId } from './notify.js';

const valid = Compile(OperationNotificationData);
const deploy = { id: 'op_1', kind: 'deploy' as const, target: { type: 'application' as const, id: 'app_1' } };

describe('an operation end notification', () => {
  it('names the operation, its kind, its target and how it ended', () => {
    const n = endNotification(deploy, 'succeeded', 'deploy completed');
    expect(n).toEqual({
      event: 'operation_completed',
      data: {
        operation_id: 'op_1',
        type: 'deploy',
        application_id: 'app_1',
        status: 'succeeded',
        message: 'deploy completed',
      },
    });
    expect(valid.Check(n.data)).toBe(true);
  });

  it('uses the progress topic’s event names for failures and cancellations, and resource ids', () => {
    const create = {
      id: 'op_2',
      kind: 'resource_create' as const,
      target: { type: 'resource' as const, id: 'db_1' },
    };
    expect(endNotification(create, 'failed', 'boom')).toMatchObject({
      event: 'operation_failed',
      data: { resource_id: 'db_1', status: 'failed', message: 'boom' },
    });
    expect(endNotification(deploy, 'cancelled', 'Operation cancelled').event).toBe('operation_cancelled');
    expect(valid.Check(endNotification(create, 'failed', 'boom').data)).toBe(true);
  });

  it('has one message id per operation, whichever run sends it', () => {
    expect(notificationMsgId('t1', 'op_1')).toBe(notificationMsgId('t1', 'op_1'));
    expect(notificationMsgId('t1', 'op_1')).not.toBe(notificationMsgId('t2', 'op_1'));
  });
});
