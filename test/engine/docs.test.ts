// The examples in docs/engine.md run against the engine (see support/doc-examples.ts).
import { test } from 'node:test';
import { runDocExamples } from './support/doc-examples.ts';

test('docs/engine.md examples run', async () => {
  await runDocExamples(new URL('../../docs/engine.md', import.meta.url), 8);
});
