// Parameter and ParameterDict: states and their errors, re-initialization warnings, setData,
// gradReq, constants, shape merging, sharing, selection and reprs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { np, autograd } from '../../../engine/index.ts';
import { ConstantParameter, DeferredInitError, ModelError, Parameter, ParameterDict, captureWarnings, init } from '../../../engine/index.ts';
import { flat } from './model-test-helpers.ts';

test('states: uninitialized, deferred and initialized raise distinct errors', () => {
  const p = new Parameter('w', { shape: [3, -1], allowDeferredInit: true });
  assert.equal(p.state, 'uninitialized');
  assert.throws(
    () => p.data(),
    (e: ModelError) => e.code === 'E_PARAM_UNINITIALIZED' && e.message.includes("'w'") && /initialize\(\)/.test(e.message),
  );
  p.initialize();
  assert.equal(p.state, 'deferred');
  assert.throws(
    () => p.data(),
    (e: ModelError) => e instanceof DeferredInitError && /one batch/.test(e.message) && /inUnits/.test(e.message),
  );
  assert.throws(
    () => p.finishDeferredInit(),
    (e: ModelError) => e.code === 'E_PARAM_SHAPE' && e.message.includes('(3, -1)'),
  );
  p.shape = [3, 4];
  p.finishDeferredInit();
  assert.equal(p.state, 'initialized');
  assert.deepEqual(p.data().shape, [3, 4]);
  assert.ok(flat(p.data()).every((v) => Math.abs(v) <= 0.07));
});

test('an unknown shape without allowDeferredInit cannot be initialized', () => {
  const p = new Parameter('w', { shape: [0, 5] });
  assert.throws(
    () => p.initialize(),
    (e: ModelError) => e.code === 'E_PARAM_SHAPE' && e.message.includes('(-1, 5)'),
  );
  assert.equal(p.state, 'uninitialized');
});

test('re-initializing without forceReinit warns and keeps the values', () => {
  const p = new Parameter('w', { shape: [4] });
  p.initialize(new init.Constant(3));
  const [, warnings] = captureWarnings(() => p.initialize(new init.Constant(5)));
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /'w' is already initialized.*forceReinit/);
  assert.deepEqual(flat(p.data()), [3, 3, 3, 3]);
  const [, none] = captureWarnings(() => p.initialize(new init.Constant(5), { forceReinit: true }));
  assert.deepEqual(none, []);
  assert.deepEqual(flat(p.data()), [5, 5, 5, 5]);
});

test('precedence: Parameter.initialize(init) > own init > block-level default', () => {
  const own = new Parameter('b', { shape: [3], init: 'ones' });
  own.initialize(null, { defaultInit: new init.Constant(7) });
  assert.deepEqual(flat(own.data()), [1, 1, 1]);
  own.initialize(new init.Constant(2), { forceReinit: true, defaultInit: new init.Constant(7) });
  assert.deepEqual(flat(own.data()), [2, 2, 2]);
  const plain = new Parameter('bias', { shape: [3] });
  // The Gluon path: a chosen init runs for every name, so a bias under Normal is not zero.
  plain.initialize(null, { defaultInit: new init.Constant(7) });
  assert.deepEqual(flat(plain.data()), [7, 7, 7]);
});

test('setData writes through; while deferred it is kept for the first batch', () => {
  const p = new Parameter('w', { shape: [2, 2] });
  p.initialize();
  p.setData(
    np.array([
      [1, 2],
      [3, 4],
    ]),
  );
  assert.deepEqual(flat(p.data()), [1, 2, 3, 4]);
  assert.throws(
    () => p.setData(np.zeros([3, 2])),
    (e: ModelError) => e.code === 'E_PARAM_SHAPE' && e.message.includes('(3, 2)'),
  );
  const d = new Parameter('v', { shape: [2, -1], allowDeferredInit: true });
  d.initialize();
  d.setData(
    np.array([
      [1, 2, 3],
      [4, 5, 6],
    ]),
  );
  assert.deepEqual(d.shape, [2, 3]);
  d.finishDeferredInit();
  assert.deepEqual(flat(d.data()), [1, 2, 3, 4, 5, 6]);
});

test('gradients: write, add, null, zeroGrad', () => {
  const p = new Parameter('w', { shape: [3] });
  p.initialize(new init.Constant(2));
  const run = () => {
    const y = autograd.record(() => p.data().mul(p.data()).sum());
    y.backward();
  };
  run();
  assert.deepEqual(flat(p.grad()), [4, 4, 4]);
  p.gradReq = 'add';
  run();
  run();
  assert.deepEqual(flat(p.grad()), [8, 8, 8]);
  p.zeroGrad();
  assert.deepEqual(flat(p.grad()), [0, 0, 0]);
  p.gradReq = 'null';
  assert.throws(
    () => p.grad(),
    (e: ModelError) => e.code === 'E_PARAM_GRAD_REQ',
  );
  assert.throws(
    () => {
      p.gradReq = 'sometimes' as never;
    },
    (e: ModelError) => e.code === 'E_PARAM_GRAD_REQ' && /sometimes/.test(e.message),
  );
});

test('constants: value, gradReq fixed at null, repr', () => {
  const params = new ParameterDict('net0_');
  const c = params.getConstant('c', np.array([1, 2, 3]));
  assert.ok(c instanceof ConstantParameter);
  assert.equal(params.getConstant('c'), c);
  assert.throws(
    () => params.getConstant('missing'),
    (e: ModelError) => e.code === 'E_CONSTANT' && e.message.includes('net0_missing'),
  );
  params.initialize();
  assert.deepEqual(flat(c.data()), [1, 2, 3]);
  const [, warnings] = captureWarnings(() => {
    c.gradReq = 'write';
  });
  assert.equal(warnings.length, 1);
  assert.equal(c.gradReq, 'null');
  assert.equal(c.toString(), "Constant net0_c (shape=(3,), dtype=<class 'numpy.float32'>)");
});

test('ParameterDict.get: creates once, merges unknown dims, refuses conflicts', () => {
  const d = new ParameterDict('b0_');
  const w = d.get('weight', { shape: [4, 0], dtype: 'float32' });
  assert.equal(w.name, 'b0_weight');
  assert.equal(d.get('weight', { shape: [-1, 7] }), w);
  assert.deepEqual(w.shape, [4, 7]);
  assert.throws(
    () => d.get('weight', { shape: [5, 7] }),
    (e: ModelError) => e.code === 'E_PARAM_ATTR' && e.message.includes('(5, 7)'),
  );
  assert.throws(
    () => d.get('weight', { dtype: 'float64' }),
    (e: ModelError) => e.code === 'E_PARAM_ATTR',
  );
  assert.equal(d.toString(), 'b0_ (\n  Parameter b0_weight (shape=(4, 7), dtype=float32)\n)');
  assert.equal(new ParameterDict('e_').toString(), 'e_ (\n\n)');
});

test('ParameterDict sharing returns the very same objects; update refuses name clashes', () => {
  const a = new ParameterDict('dense1_');
  const w = a.get('weight', { shape: [8, 8] });
  const b = new ParameterDict(a.prefix, a);
  assert.equal(b.get('weight'), w);
  const clash = new ParameterDict('x_').update([['dense1_weight', new Parameter('dense1_weight')]]);
  assert.throws(
    () => clash.update(a),
    (e: ModelError) => e.code === 'E_PARAM_CONFLICT',
  );
  assert.equal(a.select('.*weight').size, 1);
  assert.equal(a.select('weight').size, 0);
});

test('parameter shape setter: rank and known dims must agree', () => {
  const p = new Parameter('w', { shape: [2, -1] });
  assert.throws(
    () => {
      p.shape = [2, 3, 4];
    },
    (e: ModelError) => e.message.includes('(2, 3, 4)') && e.message.includes('(2, -1)'),
  );
  p.shape = [2, 5];
  assert.equal(p.toString(), "Parameter w (shape=(2, 5), dtype=<class 'numpy.float32'>)");
  assert.equal(new Parameter('u').toString(), "Parameter u (shape=None, dtype=<class 'numpy.float32'>)");
});
