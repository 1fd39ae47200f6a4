// Shapes as the chapter prints them, the input-shape field's parser, and the parameter filter's
// Gluon semantics (re.match: anchored at the start only).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { selectParams } from '../../renderer/graph/param-filter.ts';
import { paramCountText, parseShape, shapeText } from '../../renderer/graph/shape-text.ts';

test('shapes print as Python tuples', () => {
  assert.equal(shapeText([2, 256]), '(2, 256)');
  assert.equal(shapeText([10]), '(10,)');
  assert.equal(shapeText([]), '()');
  assert.equal(shapeText([-1, 20]), '(-1, 20)');
  assert.equal(paramCountText(5386), '5,386 params');
  assert.equal(paramCountText(0), 'no params');
});

test('input shapes parse from 2×20, 2x20, "2, 20", (2, 20) and -1 20', () => {
  for (const text of ['2×20', '2x20', '2, 20', '(2, 20)', ' 2 20 ']) assert.deepEqual(parseShape(text), [2, 20]);
  assert.deepEqual(parseShape('-1 20'), [-1, 20]);
  for (const bad of ['', 'a', '0x20', '-2, 20', '2.5']) assert.equal(parseShape(bad), null, bad);
});

test('the filter matches like collect_params: from the start of the name, not to its end', () => {
  const rows = ['dense0_weight', 'dense0_bias', 'dense1_weight', 'dense1_bias'].map((name) => ({ name }));
  assert.deepEqual(
    selectParams(rows, '.*weight').rows.map((r) => r.name),
    ['dense0_weight', 'dense1_weight'],
  );
  assert.deepEqual(selectParams(rows, 'weight').rows, [], 'anchored at the start');
  assert.deepEqual(
    selectParams(rows, 'dense0').rows.map((r) => r.name),
    ['dense0_weight', 'dense0_bias'],
  );
  assert.deepEqual(
    selectParams(rows, 'dense0_weight|dense1_bias').rows.map((r) => r.name),
    ['dense0_weight', 'dense1_bias'],
  );
  const bad = selectParams(rows, '(');
  assert.ok(bad.error);
  assert.equal(bad.rows.length, 4);
});
