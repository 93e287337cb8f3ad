// Idempotent bootstrap of the JetStream streams a service needs: create when missing, otherwise
// update to the wanted config so a redeploy with new limits takes effect.
import type { Logger } from '@idp/observability';
import { JetStreamApiError, type JetStreamManager, type StreamConfig } from '@nats-io/jetstream';

export type StreamSpec = Partial<StreamConfig> & { name: string; subjects: string[] };

export const STREAM_NOT_FOUND = 10059;

export async function ensureStream(jsm: JetStreamManager, spec: StreamSpec, logger: Logger): Promise<void> {
  try {
    const info = await jsm.streams.info(spec.name);
    const { name, ...update } = spec;
    if (needsUpdate(info.config as unknown as Record<string, unknown>, update)) {
      await jsm.streams.update(name, update);
      logger.info({ stream: name }, 'stream config updated');
    }
  } catch (error) {
    if (!(error instanceof JetStreamApiError) || error.code !== STREAM_NOT_FOUND) throw error;
    try {
      await jsm.streams.add(spec);
      logger.info({ stream: spec.name }, 'stream created');
    } catch (addError) {
      // Another instance created it between our info and add: that is the outcome we wanted.
      if (!(addError instanceof JetStreamApiError) || !/already in use|exists/i.test(addError.message))
        throw addError;
    }
  }
}

function needsUpdate(current: Record<string, unknown>, wanted: Record<string, unknown>): boolean {
  return Object.entries(wanted).some(
    ([key, value]) => JSON.stringify(current[key]) !== JSON.stringify(value),
  );
}
