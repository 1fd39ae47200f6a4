#!/usr/bin/env node
// `blocksmith` (npx blocksmith …): runs the TypeScript CLI in engine/cli/main.ts under tsx, in
// this process, so exit codes and signals are the CLI's own.
import { register } from 'tsx/esm/api';

register();
await import('../engine/cli/main.ts');
