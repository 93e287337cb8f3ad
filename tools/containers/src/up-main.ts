// npm run containers:up: the whole system from this commit's images (npm run images), until containers:down.
import { preflight } from './preflight.js';
import { up } from './system.js';

try {
  await preflight();
  const state = await up();
  const say = (line: string) => process.stdout.write(`${line}\n`);
  say(`system of ${state.tag} is up (containers: ${Object.values(state.containers).join(', ')})`);
  say(`REST:      ${state.baseUrl}/api/v1`);
  say(`WebSocket: ${state.wsUrl}`);
  say(`NATS:      ${state.natsUrl} (operator mode; credentials in .cache/containers/system/nats/creds)`);
  say(
    `a token:   IDP_JWT_SECRET=$(cat ${state.jwtSecretFile}) npm run -s token -- --sub alice --tenant acme --role admin@tenant:acme`,
  );
  say('stop:      npm run containers:down');
} catch (error) {
  process.stderr.write(`npm run containers:up: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
