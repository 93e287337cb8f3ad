// @idp/nats: connecting, typed request/reply with context propagation, and stream bootstrap.
export { decodeJson, encodeJson } from './codec.js';
export { type ConnectOptions, connectNats, type NatsTlsFiles, natsAuthFromEnv } from './connect.js';
export { contextFromMsg, contextHeaders, type RequestContext } from './context.js';
export {
  EVENTS_STREAM_DEFAULTS,
  type EventsStreamLimits,
  eventsStreamSpec,
} from './events-stream.js';
export {
  type IncomingRequest,
  installNatsInstrumentation,
  type NatsInstrumentation,
  type OutgoingRequest,
} from './instrumentation.js';
export { isNatsAway, natsAwayError } from './nats-away.js';
export { publishEvent } from './publish-event.js';
export { PULL_EXPIRES_MS } from './pull-expiry.js';
export { type MuxRequestOptions, muxRequest } from './request-mux.js';
export {
  callRpc,
  type RequestHandler,
  type RequestOptions,
  requestJson,
  type ServeOptions,
  serveJson,
} from './rpc.js';
export { type StreamLastSeqOptions, streamLastSeq } from './stream-last-seq.js';
export { ensureStream, type StreamSpec } from './streams.js';
export {
  assertStreamsExist,
  ensureSystemStreams,
  KV_BUCKET_SPECS,
  kvBucketSpecs,
  PLATFORM_STREAMS,
  platformStreams,
  runSetupStep,
  SYSTEM_STREAM_LIMITS,
  type SystemStreamLimits,
  type SystemStreamsOptions,
} from './system-streams.js';
