import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initText } from '../../renderer/graph/init-text.ts';

test('initializers read as name(args) instead of MXNet JSON', () => {
  assert.equal(initText('["constant", {"value": 42}]'), 'constant(value=42)');
  assert.equal(initText('["xavier", {"rnd_type": "gaussian", "magnitude": 2}]'), 'xavier(rnd_type=gaussian, magnitude=2)');
  assert.equal(initText('["zeros", {}]'), 'zeros()');
  assert.equal(initText('["one"]'), 'one');
  assert.equal(initText('zeros'), 'zeros');
  assert.equal(initText(null), 'default');
  assert.equal(initText('[not json'), '[not json');
});
