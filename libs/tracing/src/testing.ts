// For tests of code that uses @idp/tracing: spans kept in memory, read back as they end. A separate
// entry point (`@idp/tracing/testing`) so the main one never loads the SDK.
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';

export { InMemorySpanExporter, type ReadableSpan };
