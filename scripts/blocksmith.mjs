#!/usr/bin/env node
// `blocksmith` (npx blocksmith …): runs the TypeScript CLI in engine/cli/main.ts under tsx, in
// this process, so exit codes and signals are the CLI's own.
// Linked onto PATH by scripts/link-cli.sh (node follows the link to this file, so tsx and the
// engine resolve from the checkout). Under `npm run blocksmith -- …` npm starts us in the
// checkout; paths the user typed are relative to where they typed them (INIT_CWD).
import { register } from 'tsx/esm/api';

if (process.env.npm_lifecycle_event === 'blocksmith' && process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);
register();
await import('../engine/cli/main.ts');
