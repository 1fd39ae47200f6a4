// Type errors of code blocks (engine/sandbox/type-check.ts) against the engine API the sandbox
// serves: a misspelt np function, an array given to a number, a misspelt parameter and a wrong
// declaration field are each reported on their line and column; the code blocks shipped in the
// examples (assets/examples) and the listings of docs/code-blocks.md give none. The expected
// places are counted in the test's own sources, not taken from the checker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { checkCodeTypes } from '../../../engine/sandbox/type-check.ts';
import { CODE_EXAMPLES } from '../../../engine/nn/layers/code-examples.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');

/** The 1-based line and column of the first `needle` in `source`. */
function at(source: string, needle: string): { line: number; column: number } {
  const i = source.indexOf(needle);
  assert.ok(i >= 0, needle);
  const before = source.slice(0, i).split('\n');
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

const WRONG = `// Wrong: three type errors.
export const params = { weight: { shape: [3, 3] } };
export function forward(self: Self, x: NDArray): NDArray {
  const h = np.dott(x, self.weight.data());
  const y: number = x;
  return h.add(y).add(self.wieght.data());
}
`;

test('np.dott, an array assigned to a number and a misspelt parameter are errors on their line and column', () => {
  const found = checkCodeTypes(WRONG);
  const brief = found.map((d) => ({ line: d.line, column: d.column, code: d.code }));
  assert.deepEqual(brief, [
    { ...at(WRONG, 'dott'), code: 'TS2551' },
    { ...at(WRONG, 'y: number'), code: 'TS2322' },
    { ...at(WRONG, 'wieght'), code: 'TS2551' },
  ]);
  assert.match(found[0]!.message, /'dott' does not exist.*Did you mean 'dot'/);
  assert.match(found[1]!.message, /'NDArray' is not assignable to type 'number'/);
  assert.match(found[2]!.message, /'wieght' does not exist on type 'Self'.*Did you mean 'weight'/);
  assert.equal(found[0]!.endColumn - found[0]!.column, 'dott'.length);
});

test('a parameter declaration of the wrong type is reported on the params line', () => {
  const source = `export const params = {
  weight: { shape: [2, 2], init: 3 },
};
export function forward(self: Self, x: NDArray): NDArray {
  return np.dot(x, self.weight.data());
}
`;
  const found = checkCodeTypes(source);
  assert.equal(found.length, 1, JSON.stringify(found));
  assert.equal(found[0]!.line, 1);
  assert.match(found[0]!.message, /^params: .*init/s);
});

test('a syntax error is reported too, and a correct source after it gives none', () => {
  const found = checkCodeTypes('export function forward(self: Self, x: NDArray): NDArray {\n  return x.add(;\n}\n');
  assert.ok(found.length > 0);
  assert.equal(found[0]!.line, 2);
  assert.deepEqual(checkCodeTypes('export function forward(self: Self, x: NDArray): NDArray {\n  return x.add(1);\n}\n'), []);
});

/** Every Code node's source in a document, block definitions included. */
function codeSources(doc: {
  nodes?: { kind: string; attrs?: { source?: unknown } }[];
  blocks?: { nodes: { kind: string; attrs?: { source?: unknown } }[] }[];
}): string[] {
  const nodes = [...(doc.nodes ?? []), ...(doc.blocks ?? []).flatMap((b) => b.nodes)];
  return nodes.flatMap((n) => (n.kind === 'Code' && typeof n.attrs?.source === 'string' ? [n.attrs.source] : []));
}

test('the code blocks of the examples and of docs/code-blocks.md type-check without an error', () => {
  const dir = path.join(ROOT, 'assets/examples');
  const sources = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => codeSources(JSON.parse(readFileSync(path.join(dir, f), 'utf8'))));
  assert.ok(sources.length >= 3, 'the centered, my-dense and chimera examples hold code blocks');
  const docs = [...readFileSync(path.join(ROOT, 'docs/code-blocks.md'), 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  assert.ok(docs.length >= 2);
  for (const source of [...sources, ...CODE_EXAMPLES, ...docs]) assert.deepEqual(checkCodeTypes(source), [], source);
});
