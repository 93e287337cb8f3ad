// Every command, in the order `idp --help` lists them.
import type { CommandSpec } from '../cli/command.js';
import { appCommands } from './apps.js';
import { authCommands } from './auth.js';
import { deployCommands } from './deploy.js';
import { opsCommands } from './ops.js';
import { resourceCommands } from './resources.js';
import { teamCommands } from './teams.js';

export const COMMANDS: readonly CommandSpec[] = [
  ...authCommands,
  ...teamCommands,
  ...appCommands,
  ...deployCommands,
  ...opsCommands,
  ...resourceCommands,
];
