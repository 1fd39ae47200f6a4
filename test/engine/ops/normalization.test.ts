// Batch, layer, instance, group and RMS normalization against real PyTorch 1.13: outputs, the
// gradients of x, gamma and beta for a random head gradient, and (batch norm) the running
// statistics after a training step, compared with torch's BatchNorm1d/2d built with
// momentum = 1 − Gluon's momentum. Both dtypes, ranks 2–4, center/scale off, eval mode, both
// the oneDNN path (float32 past 4096 elements) and the plain loops. Then finite differences in
// float64 and the coded errors of bad shapes and options.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { autograd, np, npx, EngineError, type DType, type NDArray } from '../../../engine/index.ts';
import { toWire, type WireArray } from '../support/numpy-oracle.ts';
import { runTorch } from '../support/torch-oracle.ts';
import { assertClose, checkFiniteDiff, randomData } from '../support/op-checks.ts';
import { randomArray } from '../support/random-inputs.ts';

type Kind = 'batch' | 'layer' | 'instance' | 'group' | 'rms';
interface Case {
  label: string;
  kind: Kind;
  dtype: DType;
  x: WireArray;
  w: WireArray;
  gamma: WireArray | null;
  beta: WireArray | null;
  rm?: WireArray;
  rv?: WireArray;
  attrs: Record<string, unknown>;
}
interface Ours {
  y: NDArray;
  gx: NDArray | null;
  ggamma: NDArray | null;
  gbeta: NDArray | null;
  rm?: NDArray;
  rv?: NDArray;
}
type Ref = Record<'y' | 'gx' | 'ggamma' | 'gbeta' | 'rm' | 'rv', WireArray | undefined> & { error?: string };

const cases: Case[] = [];
const ours: Ours[] = [];

function run(
  label: string,
  kind: Kind,
  dtype: DType,
  shape: number[],
  pshape: number[] | null,
  opts: {
    gamma?: boolean;
    beta?: boolean;
    attrs?: Record<string, unknown>;
  } = {},
): void {
  const x = randomArray(shape, dtype);
  const w = randomArray(shape, dtype);
  const gamma = pshape && opts.gamma !== false ? np.random.uniform(0.5, 1.5, pshape).astype(dtype) : null;
  const beta = pshape && opts.beta !== false ? randomArray(pshape, dtype) : null;
  const attrs = opts.attrs ?? {};
  const c = shape[1] ?? 1;
  const rm = kind === 'batch' ? randomArray([c], dtype) : undefined;
  const rv = kind === 'batch' ? np.random.uniform(0.5, 2, [c]).astype(dtype) : undefined;
  cases.push({
    label: `${label} ${dtype} ${JSON.stringify(shape)}`,
    kind,
    dtype,
    x: toWire(x),
    w: toWire(w),
    gamma: gamma && toWire(gamma),
    beta: beta && toWire(beta),
    rm: rm && toWire(rm),
    rv: rv && toWire(rv),
    attrs,
  });
  [x, gamma, beta].forEach((a) => a?.attachGrad());
  const y = autograd.record(
    () => {
      const a = attrs as { eps?: number; momentum?: number; training?: boolean; useGlobalStats?: boolean; axis?: number; groups?: number };
      switch (kind) {
        case 'batch':
          return npx.batchNorm(x, gamma, beta, rm!, rv!, a);
        case 'layer':
          return npx.layerNorm(x, gamma, beta, a);
        case 'instance':
          return npx.instanceNorm(x, gamma, beta, a);
        case 'group':
          return npx.groupNorm(x, gamma, beta, a as { groups: number });
        default:
          return npx.rmsNorm(x, gamma, a);
      }
    },
    { trainMode: attrs.training !== false },
  );
  y.backward(w);
  ours.push({ y, gx: x.grad, ggamma: gamma?.grad ?? null, gbeta: beta?.grad ?? null, rm, rv });
}

for (const dtype of ['float32', 'float64'] as DType[]) {
  // Batch norm: ranks 2–4, training and eval, center/scale off, small (plain) and large (oneDNN).
  run('batchNorm train', 'batch', dtype, [6, 5], [5], { attrs: { training: true } });
  run('batchNorm train', 'batch', dtype, [4, 3, 7], [3], { attrs: { training: true, momentum: 0.8 } });
  run('batchNorm train', 'batch', dtype, [3, 4, 5, 6], [4], { attrs: { training: true, eps: 1e-3 } });
  run('batchNorm train large', 'batch', dtype, [8, 16, 9, 9], [16], { attrs: { training: true } });
  run('batchNorm train no scale', 'batch', dtype, [8, 16, 9, 9], [16], { gamma: false, attrs: { training: true } });
  run('batchNorm train no center', 'batch', dtype, [4, 3, 7], [3], { beta: false, attrs: { training: true } });
  run('batchNorm train neither', 'batch', dtype, [8, 16, 40], [16], { gamma: false, beta: false, attrs: { training: true } });
  run('batchNorm eval', 'batch', dtype, [3, 4, 5, 6], [4], { attrs: { training: false } });
  run('batchNorm eval large', 'batch', dtype, [8, 16, 9, 9], [16], { attrs: { training: false } });
  run('batchNorm eval neither', 'batch', dtype, [6, 5], [5], { gamma: false, beta: false, attrs: { training: false } });
  run('batchNorm useGlobalStats', 'batch', dtype, [8, 16, 40], [16], { attrs: { training: true, useGlobalStats: true } });
  // Layer norm: last axis and trailing axes, with and without affine, small and large.
  run('layerNorm', 'layer', dtype, [4, 10], [10]);
  run('layerNorm', 'layer', dtype, [2, 3, 8], [8], { attrs: { eps: 1e-3 } });
  run('layerNorm axes 1..', 'layer', dtype, [3, 4, 5], [4, 5], { attrs: { axis: 1 } });
  run('layerNorm large', 'layer', dtype, [64, 96], [96]);
  run('layerNorm large no scale', 'layer', dtype, [64, 96], [96], { gamma: false });
  run('layerNorm no affine', 'layer', dtype, [64, 96], null);
  run('layerNorm no center', 'layer', dtype, [5, 6], [6], { beta: false });
  // Instance / group / RMS norm.
  run('instanceNorm', 'instance', dtype, [2, 3, 5, 4], [3]);
  run('instanceNorm 1d no affine', 'instance', dtype, [3, 4, 9], null);
  run('groupNorm', 'group', dtype, [2, 6, 4, 3], [6], { attrs: { groups: 3 } });
  run('groupNorm 1 group', 'group', dtype, [3, 4, 5], [4], { attrs: { groups: 1 } });
  run('rmsNorm', 'rms', dtype, [4, 12], [12], { beta: false });
  run('rmsNorm trailing axes', 'rms', dtype, [2, 3, 4], [3, 4], { beta: false, attrs: { axis: 1, eps: 1e-5 } });
}

const results = runTorch<Case, Ref>(
  String.raw`
import torch.nn.functional as F
def opt(d, grad=True):
    return None if d is None else tensor(d, grad)
def run(c):
    x = tensor(c['x'], True); w = tensor(c['w'])
    g = opt(c['gamma']); b = opt(c['beta']); a = c['attrs']; out = {}
    k = c['kind']
    if k == 'batch':
        rm = tensor(c['rm']); rv = tensor(c['rv'])
        training = a.get('training', True) and not a.get('useGlobalStats', False)
        mom = 1 - a.get('momentum', 0.9); eps = a.get('eps', 1e-5)
        if (g is None) == (b is None):
            # The module itself, as the layer's PyTorch export would build it.
            C = x.shape[1]
            m = (torch.nn.BatchNorm2d if x.dim() == 4 else torch.nn.BatchNorm1d)(C, eps=eps, momentum=mom, affine=g is not None).double()
            with torch.no_grad():
                m.running_mean.copy_(rm); m.running_var.copy_(rv)
            if g is not None:
                m.weight = torch.nn.Parameter(g.detach()); m.bias = torch.nn.Parameter(b.detach())
                g = m.weight; b = m.bias
            m.train(training)
            y = m(x); rm = m.running_mean; rv = m.running_var
        else:
            y = F.batch_norm(x, rm, rv, g, b, training, mom, eps)
        out['rm'] = wire(rm); out['rv'] = wire(rv)
    elif k == 'layer':
        axis = a.get('axis', -1) % x.dim()
        y = F.layer_norm(x, list(x.shape[axis:]), g, b, a.get('eps', 1e-5))
    elif k == 'instance':
        y = F.instance_norm(x, weight=g, bias=b, eps=a.get('eps', 1e-5))
    elif k == 'group':
        y = F.group_norm(x, a['groups'], g, b, a.get('eps', 1e-5))
    else:
        axis = a.get('axis', -1) % x.dim()
        dims = list(range(axis, x.dim()))
        y = x / torch.sqrt(x.pow(2).mean(dims, keepdim=True) + a.get('eps', 1e-6))
        if g is not None: y = y * g
    (y * w).sum().backward()
    out['y'] = wire(y); out['gx'] = wire(x.grad)
    if g is not None: out['ggamma'] = wire(g.grad)
    if b is not None: out['gbeta'] = wire(b.grad)
    return out
`,
  cases,
);

cases.forEach((c, i) => {
  test(`${c.label} matches torch`, () => {
    const r = results[i]!;
    assert.equal(r.error, undefined, `torch failed: ${r.error}`);
    const o = ours[i]!;
    const tol = c.dtype === 'float32' ? 1e-4 : 1e-9;
    assertClose('y', o.y, r.y, tol);
    assertClose('dx', o.gx, r.gx, tol);
    if (c.gamma) assertClose('dgamma', o.ggamma, r.ggamma, tol);
    if (c.beta) assertClose('dbeta', o.gbeta, r.gbeta, tol);
    if (c.kind === 'batch') {
      assertClose('running mean', o.rm, r.rm, tol);
      assertClose('running var', o.rv, r.rv, tol);
    }
  });
});

test('batchNorm defaults to autograd training mode: prediction leaves the running stats alone', () => {
  const x = randomArray([4, 3]);
  const rm = np.zeros([3]);
  const rv = np.ones([3]);
  npx.batchNorm(x, null, null, rm, rv);
  assert.deepEqual(rm.toArray(), [0, 0, 0]);
  autograd.record(() => npx.batchNorm(x, null, null, rm, rv));
  assert.ok(
    (rm.toArray() as number[]).some((v) => v !== 0),
    'a recorded (training) call updates the running mean',
  );
});

test('normalization gradients match finite differences (float64)', () => {
  const c = 3;
  const rm = np.zeros([c], { dtype: 'float64' });
  const rv = np.ones([c], { dtype: 'float64' });
  checkFiniteDiff('batchNorm train', (x, g, b) => npx.batchNorm(x!, g!, b!, rm, rv, { training: true }), [
    randomData([4, c, 3]),
    randomData([c]),
    randomData([c]),
  ]);
  checkFiniteDiff('batchNorm eval', (x, g, b) => npx.batchNorm(x!, g!, b!, rm, rv, { training: false }), [
    randomData([4, c, 3]),
    randomData([c]),
    randomData([c]),
  ]);
  checkFiniteDiff('layerNorm', (x, g, b) => npx.layerNorm(x!, g!, b!), [randomData([3, 5]), randomData([5]), randomData([5])]);
  checkFiniteDiff('instanceNorm', (x, g, b) => npx.instanceNorm(x!, g!, b!), [randomData([2, 2, 4]), randomData([2]), randomData([2])]);
  checkFiniteDiff('groupNorm', (x, g, b) => npx.groupNorm(x!, g!, b!, { groups: 2 }), [randomData([2, 4, 3]), randomData([4]), randomData([4])]);
  checkFiniteDiff('rmsNorm', (x, g) => npx.rmsNorm(x!, g!), [randomData([3, 4]), randomData([4])]);
});

function throwsCode(fn: () => unknown, code: string, message: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof EngineError && e.code === code && message.test(e.message), `expected ${code} matching ${message}`);
}

test('bad shapes and options give coded errors that name the op', () => {
  const x = randomArray([4, 3, 5]);
  const c3 = (): NDArray => np.zeros([3]);
  throwsCode(() => npx.batchNorm(randomArray([5]), null, null, c3(), c3()), 'E_SHAPE', /batchNorm: expects \(N, C, \.\.\.\)/);
  throwsCode(() => npx.batchNorm(x, np.ones([4]), null, c3(), c3()), 'E_SHAPE', /batchNorm: gamma must have shape \(3,\)/);
  throwsCode(() => npx.batchNorm(x, null, null, np.zeros([2]), c3()), 'E_SHAPE', /runningMean must have shape \(3,\)/);
  throwsCode(() => npx.batchNorm(x, null, null, c3(), c3().astype('float64')), 'E_DTYPE', /runningVar is float64/);
  throwsCode(() => npx.batchNorm(randomArray([1, 3]), null, null, c3(), c3(), { training: true }), 'E_SHAPE', /more than one value per channel/);
  throwsCode(() => npx.batchNorm(x, null, null, c3(), c3(), { momentum: 2 }), 'E_ARGS', /momentum must be in \[0, 1\]/);
  throwsCode(() => npx.batchNorm(x.astype('int32'), null, null, c3(), c3()), 'E_DTYPE', /float32 or float64/);
  throwsCode(() => npx.layerNorm(x, np.ones([3]), null), 'E_SHAPE', /layerNorm: gamma must have shape \(5,\)/);
  throwsCode(() => npx.layerNorm(x, null, null, { axis: 3 }), 'E_INDEX', /axis 3/);
  throwsCode(() => npx.layerNorm(x, null, null, { eps: -1 }), 'E_ARGS', /eps must be a non-negative number/);
  throwsCode(() => npx.groupNorm(x, null, null, { groups: 2 }), 'E_ARGS', /divides the 3 channels/);
  throwsCode(() => npx.instanceNorm(randomArray([4, 3]), null, null), 'E_SHAPE', /at least one spatial axis/);
  throwsCode(() => npx.rmsNorm(x, np.ones([4])), 'E_SHAPE', /rmsNorm: gamma must have shape \(5,\)/);
});
