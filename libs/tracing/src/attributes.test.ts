import * as semconv from '@opentelemetry/semantic-conventions/incubating';
import { describe, expect, it } from 'vitest';
import { Attr } from './attributes.js';

describe('attribute names', () => {
  it('are the semantic conventions’ names where one exists', () => {
    expect(Attr.httpMethod).toBe(semconv.ATTR_HTTP_REQUEST_METHOD);
    expect(Attr.httpRoute).toBe(semconv.ATTR_HTTP_ROUTE);
    expect(Attr.httpStatus).toBe(semconv.ATTR_HTTP_RESPONSE_STATUS_CODE);
    expect(Attr.urlPath).toBe(semconv.ATTR_URL_PATH);
    expect(Attr.errorType).toBe(semconv.ATTR_ERROR_TYPE);
    expect(Attr.messagingSystem).toBe(semconv.ATTR_MESSAGING_SYSTEM);
    expect(Attr.messagingOperation).toBe(semconv.ATTR_MESSAGING_OPERATION_TYPE);
    expect(Attr.messagingDestination).toBe(semconv.ATTR_MESSAGING_DESTINATION_NAME);
    expect(Attr.messagingSubscription).toBe(semconv.ATTR_MESSAGING_DESTINATION_TEMPLATE);
    expect(Attr.messagingConsumerGroup).toBe(semconv.ATTR_MESSAGING_CONSUMER_GROUP_NAME);
  });

  it('are ours (idp.*) otherwise', () => {
    const conventional = new Set<string>(Object.values(semconv).filter((v) => typeof v === 'string'));
    for (const [key, name] of Object.entries(Attr)) {
      if (!conventional.has(name)) expect(name, key).toMatch(/^idp\./);
    }
  });
});
