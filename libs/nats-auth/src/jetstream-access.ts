// The JetStream API subjects one stream or KV bucket needs, and no more. JetStream is driven by plain
// requests to `$JS.API.<verb>.<stream>…`, so naming each verb per stream is what keeps one service
// out of another's streams (a wildcard in the verb position would also match other streams' names).

const API = '$JS.API';

/** Read the stream's state and consume it with consumers of one's own (ordered, durable or pull). */
export function streamConsumerAccess(stream: string): string[] {
  return [
    `${API}.STREAM.INFO.${stream}`,
    `${API}.CONSUMER.CREATE.${stream}`,
    `${API}.CONSUMER.CREATE.${stream}.>`,
    `${API}.CONSUMER.DURABLE.CREATE.${stream}.*`,
    `${API}.CONSUMER.INFO.${stream}.*`,
    `${API}.CONSUMER.DELETE.${stream}.*`,
    `${API}.CONSUMER.MSG.NEXT.${stream}.*`,
    `$JS.ACK.${stream}.>`,
    `$JS.FC.${stream}.>`,
  ];
}

/** Read single messages of the stream by sequence or last-by-subject. */
export function streamGetAccess(stream: string): string[] {
  return [`${API}.STREAM.MSG.GET.${stream}`, `${API}.DIRECT.GET.${stream}`, `${API}.DIRECT.GET.${stream}.>`];
}

export const kvStreamName = (bucket: string) => `KV_${bucket}`;

/** Everything a KV client does with one bucket: open, get, put, create/update, delete, watch. */
export function kvBucketAccess(bucket: string): string[] {
  const stream = kvStreamName(bucket);
  return [`$KV.${bucket}.>`, ...streamGetAccess(stream), ...streamConsumerAccess(stream)];
}

/** Creating and updating streams: only the setup step holds this, never a long-running service. */
export function streamAdminAccess(stream: string): string[] {
  return [`${API}.STREAM.CREATE.${stream}`, `${API}.STREAM.UPDATE.${stream}`, `${API}.STREAM.INFO.${stream}`];
}

/** Account-level JetStream info; `jetstreamManager()` asks for it when it starts. */
export const JS_ACCOUNT_INFO = `${API}.INFO`;
