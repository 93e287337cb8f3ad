// A tenant's backend written for Deno: publishes one public event with the tenant's NATS credentials
// (`npm run nats:creds -- --tenant <id>`, or POST /api/v1/service-accounts/{id}/nats-credentials), and
// the realtime layer delivers it to that tenant's WebSocket clients. It uses the workspace libraries
// (@idp/contracts for the subject and the event's shape, @idp/nats to publish) and the NATS client from
// npm. Prints the stream's acknowledgement as one JSON line; exit 2 on bad input, 1 when NATS refuses.
import { inboxPrefixFor, subjectToken } from '@idp/contracts';
import { publishEvent } from '@idp/nats';
import { jetstream } from '@nats-io/jetstream';
import { connect, credsAuthenticator } from '@nats-io/transport-node';
import { readOptions, UsageError } from './options.ts';

const encoder = new TextEncoder();
/** One line of output: the acknowledgement on stdout, problems on stderr. */
const say = (to: typeof Deno.stdout | typeof Deno.stderr, line: string) =>
  to.writeSync(encoder.encode(`${line}\n`));

/** The tenant's `.creds` file; a missing or unreadable one is a usage error that names it. */
async function readCreds(file: string): Promise<Uint8Array> {
  try {
    return await Deno.readFile(file);
  } catch (error) {
    throw new UsageError(`cannot read NATS_CREDS ${file}: ${(error as Error).message}`);
  }
}

async function main(): Promise<number> {
  let options: ReturnType<typeof readOptions>;
  let creds: Uint8Array;
  try {
    // Only the two variables it is allowed to read (--allow-env=NATS_URL,NATS_CREDS).
    options = readOptions(Deno.args, {
      NATS_URL: Deno.env.get('NATS_URL'),
      NATS_CREDS: Deno.env.get('NATS_CREDS'),
    });
    creds = await readCreds(options.credsFile);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    say(Deno.stderr, error.message);
    return 2;
  }
  try {
    const nc = await connect({
      servers: options.natsUrl.split(','),
      authenticator: credsAuthenticator(creds),
      // Tenant credentials may receive replies (the stream's acknowledgement) on this prefix only.
      inboxPrefix: inboxPrefixFor(`pub_${subjectToken(options.tenant)}`),
    });
    try {
      const ack = await publishEvent(jetstream(nc), options.tenant, options.topic, options.event);
      say(Deno.stdout, JSON.stringify({ stream: ack?.stream, seq: ack?.seq, event: options.event.event }));
      return 0;
    } finally {
      await nc.close();
    }
  } catch (error) {
    say(Deno.stderr, `publish refused: ${(error as Error).message}`);
    return 1;
  }
}

Deno.exit(await main());
