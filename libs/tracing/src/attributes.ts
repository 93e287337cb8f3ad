// The attribute names our spans use: OpenTelemetry's semantic conventions where one fits (checked
// against @opentelemetry/semantic-conventions in attributes.test.ts, so they cannot drift), `idp.*`
// for our own. Plain strings, so a service can name them without loading the conventions package.
export const Attr = {
  httpMethod: 'http.request.method',
  httpRoute: 'http.route',
  httpStatus: 'http.response.status_code',
  urlPath: 'url.path',
  errorType: 'error.type',
  messagingSystem: 'messaging.system',
  messagingOperation: 'messaging.operation.type',
  messagingDestination: 'messaging.destination.name',
  messagingSubscription: 'messaging.destination.template',
  messagingConsumerGroup: 'messaging.consumer.group.name',
  requestId: 'idp.request_id',
  tenant: 'idp.tenant_id',
  operationId: 'idp.operation.id',
  operationKind: 'idp.operation.kind',
  operationStage: 'idp.operation.stage',
  operationVerdict: 'idp.operation.verdict',
  delivery: 'idp.delivery_count',
  eventType: 'idp.event.type',
  streamSeq: 'idp.stream.seq',
  expectedSeq: 'idp.stream.expected_seq',
  subscribers: 'idp.realtime.subscribers',
  deliveryPath: 'idp.realtime.delivery_path',
  topic: 'idp.realtime.topic',
} as const;
