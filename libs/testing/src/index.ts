// @idp/testing: real nats-server processes, service processes, tokens and bounded waits for tests.
export {
  builtEntry,
  type CodeKind,
  denoCommand,
  nodeArguments,
  type ProcessCommand,
  processCommand,
  type Runtime,
} from './built-code.js';
export { type HttpResult, httpJson } from './http.js';
export {
  type NatsClusterHandle,
  type NatsClusterOptions,
  type NatsNodeHandle,
  startNatsCluster,
} from './nats-cluster.js';
export {
  type NatsAccess,
  type NatsServerHandle,
  type NatsServerOptions,
  type NatsUser,
  natsServerBinary,
  startNatsServer,
  TEST_USER,
} from './nats-server.js';
export { freePort } from './ports.js';
export { runOnce, SETUP_ENTRY } from './run-once.js';
export { type ServiceProcess, type ServiceProcessOptions, startServiceProcess } from './service-process.js';
export { makeTestCertificates, opensslBinary, type TestCertificates } from './tls-certs.js';
export { type MintTokenOptions, mintToken } from './tokens.js';
export { type WaitOptions, waitFor } from './wait-for.js';
