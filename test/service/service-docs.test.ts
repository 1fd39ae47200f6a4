// docs/service.md's API reference is generated from the schema; this fails when they drift
// (fix: node --import tsx scripts/service-docs.ts).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { METHOD_NAMES } from '../../engine/protocol/service-api.ts';
import { withReference } from '../../scripts/service-docs.ts';

test('docs/service.md documents every method exactly as the schema defines it', async () => {
  const markdown = await readFile(new URL('../../docs/service.md', import.meta.url), 'utf8');
  assert.equal(markdown, withReference(markdown), 'regenerate with: node --import tsx scripts/service-docs.ts');
  for (const name of METHOD_NAMES) assert.match(markdown, new RegExp(`#### \`${name}\``));
});
