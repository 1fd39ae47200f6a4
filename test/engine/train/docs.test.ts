// The examples in docs/training.md run against the engine (see support/doc-examples.ts).
import { test } from 'node:test';
import { runDocExamples } from '../support/doc-examples.ts';

test('docs/training.md examples run', async () => {
  await runDocExamples(new URL('../../../docs/training.md', import.meta.url), 7);
});
