// What to publish, from the command line and the environment, checked against the contract before
// anything is sent: a bad argument is a message naming it, never a half-sent event.
import { PublishedEvent, parseTopic, type Topic } from '@idp/contracts';
import { Compile } from 'typebox/compile';

export interface PublishOptions {
  natsUrl: string;
  credsFile: string;
  tenant: string;
  topic: Topic;
  event: PublishedEvent;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

const USAGE =
  'usage: NATS_CREDS=<tenant>.creds deno run <permissions: see README> main.ts ' +
  "--tenant <id> --topic <kind:id:channel> --event <name> [--data '<json object>']";
const checkEvent = Compile(PublishedEvent);

function flags(args: string[]): Map<string, string> {
  const found = new Map<string, string>();
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i]!;
    const value = args[i + 1];
    if (!name.startsWith('--') || value === undefined) throw new UsageError(`unexpected '${name}'\n${USAGE}`);
    found.set(name.slice(2), value);
  }
  return found;
}

function parseData(text: string): Record<string, unknown> {
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`--data is not JSON: ${text}`);
  }
}

export function readOptions(args: string[], env: Record<string, string | undefined>): PublishOptions {
  const given = flags(args);
  const required = (name: string) => {
    const value = given.get(name);
    if (!value) throw new UsageError(`--${name} is required\n${USAGE}`);
    return value;
  };
  const credsFile = env.NATS_CREDS;
  if (!credsFile) throw new UsageError(`NATS_CREDS (the tenant's .creds file) is required\n${USAGE}`);
  const tenant = required('tenant');
  const topic = parseTopic(required('topic'), '');
  if (!topic?.id) throw new UsageError(`--topic '${given.get('topic')}' is not kind:id:channel`);
  const event = {
    event: required('event'),
    data: parseData(given.get('data') ?? '{}'),
    timestamp: new Date().toISOString(),
  };
  if (!checkEvent.Check(event)) {
    const problems = [...checkEvent.Errors(event)].map((e) => `${e.instancePath || '/'} ${e.message}`);
    throw new UsageError(`not a publishable event: ${problems.join('; ')}`);
  }
  return { natsUrl: env.NATS_URL || 'nats://127.0.0.1:4222', credsFile, tenant, topic, event };
}
