// The parametrised activations, PReLU and log-softmax against real PyTorch 1.13: outputs and the
// gradient of sum(f(x) · w), float32 (small arrays take the plain loops, large ones oneDNN's
// eltwise) and float64; then finite differences and the coded errors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { autograd, np, npx, EngineError, type DType, type NDArray } from '../../../engine/index.ts';
import { toWire, type WireArray } from '../support/numpy-oracle.ts';
import { runTorch } from '../support/torch-oracle.ts';
import { assertClose, checkFiniteDiff, randomData } from '../support/op-checks.ts';

interface Case {
  label: string;
  op: string;
  dtype: DType;
  x: WireArray;
  w: WireArray;
  alpha?: WireArray;
  attrs: Record<string, number>;
}
type Ref = { y?: WireArray; gx?: WireArray; galpha?: WireArray; error?: string };

const OPS: Record<string, (x: NDArray, a: Record<string, number>) => NDArray> = {
  leakyRelu: (x, a) => npx.leakyRelu(x, a.alpha),
  elu: (x, a) => npx.elu(x, a.alpha),
  selu: (x) => npx.selu(x),
  silu: (x, a) => npx.silu(x, a.beta),
  softplus: (x) => npx.softplus(x),
  hardSigmoid: (x) => npx.hardSigmoid(x),
  hardSwish: (x) => npx.hardSwish(x),
  gelu: (x) => npx.gelu(x),
  geluTanh: (x) => npx.gelu(x, { approximate: 'tanh' }),
  logSoftmax: (x, a) => npx.logSoftmax(x, a.axis),
};

/** Inputs in [-5, 5] so hardSigmoid / hardSwish see all three of their pieces. */
function inputs(shape: number[], dtype: DType): NDArray {
  return np.random.uniform(-5, 5, shape).astype(dtype);
}

const cases: Case[] = [];
const ours: { y: NDArray; gx: NDArray | null; galpha: NDArray | null }[] = [];

function add(op: string, dtype: DType, shape: number[], attrs: Record<string, number> = {}): void {
  const x = inputs(shape, dtype);
  const w = inputs(shape, dtype);
  x.attachGrad();
  const y = autograd.record(() => OPS[op]!(x, attrs));
  y.backward(w);
  cases.push({ label: `${op} ${JSON.stringify(attrs)} ${dtype} ${JSON.stringify(shape)}`, op, dtype, x: toWire(x), w: toWire(w), attrs });
  ours.push({ y, gx: x.grad, galpha: null });
}

function addPrelu(dtype: DType, shape: number[], perChannel: boolean): void {
  const x = inputs(shape, dtype);
  const w = inputs(shape, dtype);
  const alpha = np.random.uniform(0.05, 0.5, perChannel ? [shape[1]!] : [1]).astype(dtype);
  x.attachGrad();
  alpha.attachGrad();
  const y = autograd.record(() => npx.prelu(x, alpha));
  y.backward(w);
  cases.push({
    label: `prelu ${perChannel ? 'per channel' : 'shared'} ${dtype} ${JSON.stringify(shape)}`,
    op: 'prelu',
    dtype,
    x: toWire(x),
    w: toWire(w),
    alpha: toWire(alpha),
    attrs: {},
  });
  ours.push({ y, gx: x.grad, galpha: alpha.grad });
}

for (const dtype of ['float32', 'float64'] as DType[]) {
  for (const shape of [
    [3, 7],
    [8, 16, 40],
  ]) {
    add('leakyRelu', dtype, shape, { alpha: 0.01 });
    add('leakyRelu', dtype, shape, { alpha: 0.2 });
    add('elu', dtype, shape, { alpha: 1 });
    add('elu', dtype, shape, { alpha: 0.5 });
    add('selu', dtype, shape);
    add('silu', dtype, shape, { beta: 1 });
    add('silu', dtype, shape, { beta: 1.7 });
    add('softplus', dtype, shape);
    add('hardSigmoid', dtype, shape);
    add('hardSwish', dtype, shape);
    add('gelu', dtype, shape);
    add('geluTanh', dtype, shape);
    add('logSoftmax', dtype, shape, { axis: -1 });
    add('logSoftmax', dtype, shape, { axis: 1 });
    addPrelu(dtype, shape, true);
    addPrelu(dtype, shape, false);
  }
}

const results = runTorch<Case, Ref>(
  String.raw`
import torch.nn.functional as F
def run(c):
    x = tensor(c['x'], True); w = tensor(c['w']); a = c['attrs']; op = c['op']; out = {}
    if op == 'leakyRelu': y = F.leaky_relu(x, a['alpha'])
    elif op == 'elu': y = F.elu(x, a['alpha'])
    elif op == 'selu': y = F.selu(x)
    elif op == 'silu': y = F.silu(x) if a['beta'] == 1 else x * torch.sigmoid(a['beta'] * x)
    elif op == 'softplus': y = F.softplus(x)
    elif op == 'hardSigmoid': y = F.hardsigmoid(x)
    elif op == 'hardSwish': y = F.hardswish(x)
    elif op == 'gelu': y = F.gelu(x)
    elif op == 'geluTanh': y = F.gelu(x, approximate='tanh')
    elif op == 'logSoftmax': y = F.log_softmax(x, a['axis'])
    elif op == 'prelu':
        al = tensor(c['alpha'], True)
        y = F.prelu(x, al)
    (y * w).sum().backward()
    out['y'] = wire(y); out['gx'] = wire(x.grad)
    if op == 'prelu': out['galpha'] = wire(al.grad)
    return out
`,
  cases,
);

cases.forEach((c, i) => {
  test(`${c.label} matches torch`, () => {
    const r = results[i]!;
    assert.equal(r.error, undefined, `torch failed: ${r.error}`);
    // float64: 1e-7, because torch's own hardsigmoid backward multiplies by 1.0f / 6.0f, a float.
    const tol = c.dtype === 'float32' ? 1e-4 : 1e-7;
    assertClose('y', ours[i]!.y, r.y, tol);
    assertClose('dx', ours[i]!.gx, r.gx, tol);
    if (c.op === 'prelu') assertClose('dalpha', ours[i]!.galpha, r.galpha, tol);
  });
});

test('activation gradients match finite differences (float64)', () => {
  for (const [op, attrs] of [
    ['leakyRelu', { alpha: 0.1 }],
    ['elu', { alpha: 0.7 }],
    ['selu', {}],
    ['silu', { beta: 1.3 }],
    ['hardSigmoid', {}],
    ['hardSwish', {}],
    ['geluTanh', {}],
    ['logSoftmax', { axis: 0 }],
  ] as const) {
    checkFiniteDiff(op, (x) => OPS[op]!(x!, attrs as Record<string, number>), [randomData([3, 4])]);
  }
  checkFiniteDiff('prelu', (x, a) => npx.prelu(x!, a!), [randomData([2, 3, 4]), randomData([3])]);
});

test('the alpha of the parametrised activations reaches backward (not only forward)', () => {
  const x = np.array([-2, -1, 3]);
  x.attachGrad();
  autograd.record(() => npx.leakyRelu(x, 0.3).sum()).backward();
  assert.deepEqual(
    Array.from(x.grad!.toArray() as number[]).map((v) => Math.round(v * 1e6) / 1e6),
    [0.3, 0.3, 1],
  );
});

function throwsCode(fn: () => unknown, code: string, message: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof EngineError && e.code === code && message.test(e.message), `expected ${code} matching ${message}`);
}

test('bad arguments give coded errors', () => {
  const x = np.ones([2, 3, 4]);
  throwsCode(() => npx.prelu(x, np.ones([4])), 'E_SHAPE', /prelu: alpha must have 1 element or one per channel/);
  throwsCode(() => npx.leakyRelu(x, Number.NaN), 'E_ARGS', /leakyRelu: alpha must be a finite number/);
  throwsCode(() => npx.gelu(x, { approximate: 'fast' as 'tanh' }), 'E_ARGS', /approximate must be/);
  throwsCode(() => npx.logSoftmax(x, 3), 'E_INDEX', /axis 3/);
});
