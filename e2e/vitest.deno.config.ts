import config from './vitest.config.js';

// `npm run test:deno`: the end-to-end tests of the system's core paths against services that run under
// Deno (IDP_TEST_RUNTIME=deno, set by tools/deno/test.mjs; test/system.ts passes it to every service
// and the setup step): the lifecycle, the authorisation matrix, realtime delivery and resume, failures
// (a killed service, a restarted nats-server), and a Deno program publishing as a tenant's backend.
export default {
  ...config,
  test: {
    ...config.test,
    include: [
      'test/lifecycle.test.ts',
      'test/auth-matrix.test.ts',
      'test/realtime.test.ts',
      'security/websocket.test.ts',
      'test/failures.test.ts',
      'test/deno-publisher.test.ts',
    ],
  },
};
