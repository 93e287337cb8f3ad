#!/usr/bin/env node
// `idp`: runs the CLI's TypeScript source through tsx, resolving the workspace libs from their source
// (the `@idp/source` export condition, added by a one-line resolve hook), so `npx idp` works on a
// fresh clone after `npm ci` with no build step.
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

const addSourceCondition =
  'export async function resolve(specifier, context, next) {' +
  " return next(specifier, { ...context, conditions: [...context.conditions, '@idp/source'] }); }";
register(`data:text/javascript,${encodeURIComponent(addSourceCondition)}`);
registerTsx();
await import('../src/main.ts');
