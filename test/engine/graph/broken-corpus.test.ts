// Validation over the corpus of broken documents in broken/: each file names the problems it must
// produce ({code, and where given the node, port, parameter, path}); all come back in one call.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseDocument, buildModel, inferShapes, GraphError, type Problem } from '../../../engine/graph/index.ts';

const DIR = fileURLToPath(new URL('./broken/', import.meta.url));
interface Expect {
  code: string;
  nodeId?: string;
  port?: string;
  param?: string;
  path?: string;
  messageIncludes?: string;
}
interface Case {
  description: string;
  expect: Expect[];
  document: unknown;
}

const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

test('the corpus covers every validation code the brief names', () => {
  const codes = new Set(files.flatMap((f) => (JSON.parse(readFileSync(DIR + f, 'utf8')) as Case).expect.map((e) => e.code)));
  for (const c of [
    'E_CYCLE',
    'E_PORT_UNCONNECTED',
    'E_PORT_MULTIPLE',
    'E_KIND_UNKNOWN',
    'E_ATTR_TYPE',
    'E_ATTR_RANGE',
    'E_ATTR_CHOICE',
    'E_TIE_SHAPE',
    'E_NAME_DUPLICATE',
    'E_BLOCK_MISSING',
    'E_REPEAT_COUNT',
    'E_SCHEMA',
    'E_EDGE_NODE',
    'E_EDGE_PORT',
  ]) {
    assert.ok(codes.has(c), `no broken document expects ${c}`);
  }
});

for (const file of files) {
  const c = JSON.parse(readFileSync(DIR + file, 'utf8')) as Case;
  test(`broken/${file}: ${c.description}`, () => {
    const { document, problems } = parseDocument(c.document);
    const remaining = [...problems];
    for (const e of c.expect) {
      const i = remaining.findIndex(
        (p: Problem) =>
          p.code === e.code &&
          (e.nodeId === undefined || p.nodeId === e.nodeId) &&
          (e.port === undefined || p.port === e.port) &&
          (e.param === undefined || p.param === e.param) &&
          (e.path === undefined || p.path === e.path) &&
          (e.messageIncludes === undefined || p.message.includes(e.messageIncludes)),
      );
      assert.ok(i >= 0, `expected ${JSON.stringify(e)} among:\n${problems.map((p) => JSON.stringify(p)).join('\n')}`);
      remaining.splice(i, 1);
    }
    for (const p of problems) {
      assert.ok(p.message.length > 10 && (p.severity === 'error' || p.severity === 'warning'));
    }
    // A document that parses but has errors refuses to build, and says why; shape inference
    // still runs (the editor calls it on every edit) and reports the same problems.
    if (document) {
      const report = inferShapes(document);
      assert.deepEqual(report.problems.slice(0, problems.length), problems);
      assert.deepEqual(report.problems.slice(problems.length), [], 'no shape problems guessed past the broken parts');
      assert.throws(
        () => buildModel(document),
        (err: unknown) => err instanceof GraphError && err.problems.length === problems.length,
      );
    }
  });
}
