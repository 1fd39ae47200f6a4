// np.dot / np.matmul on transposed operands (x.T, w.T): a 2-D transpose outside autograd defers its
// copy and the product reads the source with the GEMM's transpose flag. Results against numpy, the
// absence of the copy, and copy semantics (the transpose keeps the values its source had).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { autograd, np, type DType, type NDArray } from '../../../engine/index.ts';
import { installAddon, native } from '../../../engine/backend/backend.ts';
import type { NativeAddon } from '../../../engine/backend/native-addon.ts';
import { compareArrays, runNumpy, toWire, type WireArray } from '../support/numpy-oracle.ts';
import { randomArray } from '../support/random-inputs.ts';

interface Case {
  label: string;
  op: 'matmul' | 'dot';
  ta: boolean;
  tb: boolean;
  a: NDArray;
  b: NDArray;
  out: NDArray;
}
const cases: Case[] = [];

function add(op: 'matmul' | 'dot', sa: number[], sb: number[], ta: boolean, tb: boolean, dtype: DType = 'float32', dtypeB: DType = dtype): void {
  const a = randomArray(sa, dtype, dtype.startsWith('int') ? 'int' : 'any');
  const b = randomArray(sb, dtypeB, dtypeB.startsWith('int') ? 'int' : 'any');
  const fa = ta ? a.T : a;
  const fb = tb ? b.T : b;
  const out = op === 'dot' ? np.dot(fa, fb) : np.matmul(fa, fb);
  cases.push({ label: `${op} ${dtype}${JSON.stringify(sa)}${ta ? '.T' : ''} · ${dtypeB}${JSON.stringify(sb)}${tb ? '.T' : ''}`, op, ta, tb, a, b, out });
}

for (const dtype of ['float32', 'float64'] as DType[]) {
  for (const op of ['dot', 'matmul'] as const) {
    add(op, [3, 4], [5, 4], false, true, dtype); // small: the plain kernel
    add(op, [64, 128], [96, 128], false, true, dtype); // oneDNN for float32
    add(op, [1, 300], [200, 300], false, true, dtype); // one row (a Dense forward by hand)
    add(op, [7, 5], [7, 6], true, false, dtype);
    add(op, [70, 50], [70, 60], true, false, dtype);
    add(op, [9, 8], [10, 9], true, true, dtype);
    add(op, [80, 64], [100, 80], true, true, dtype);
    add(op, [5, 1], [3, 1], false, true, dtype); // size-1 axes
    add(op, [1, 4], [1, 6], true, false, dtype);
    add(op, [0, 4], [3, 4], false, true, dtype); // empty
    add(op, [3, 0], [2, 0], false, true, dtype);
  }
  add('matmul', [2, 3, 4], [5, 4], false, true, dtype); // batched a, broadcast transposed b
  add('dot', [2, 3, 4], [5, 4], false, true, dtype);
  add('matmul', [4, 3], [2, 4, 5], true, false, dtype); // transposed a broadcast over b's batch
}
add('matmul', [4, 3], [5, 3], false, true, 'int32');
add('dot', [4, 3], [4, 5], true, false, 'int32');
add('dot', [6, 8], [5, 8], false, true, 'float32', 'float64'); // promotion: the transpose is cast (copied)
add('dot', [8, 6], [8, 5], true, false, 'float64', 'float32');

const ORACLE = String.raw`
def run(c):
    a, b = arr(c['a']), arr(c['b'])
    if a.dtype.kind == 'f': a = a.astype(np.float64)
    if b.dtype.kind == 'f': b = b.astype(np.float64)
    if c['ta']: a = a.T
    if c['tb']: b = b.T
    return wire(np.dot(a, b) if c['op'] == 'dot' else np.matmul(a, b))
`;

const results = runNumpy<unknown, WireArray | { error: string }>(
  ORACLE,
  cases.map((c) => ({ op: c.op, ta: c.ta, tb: c.tb, a: toWire(c.a), b: toWire(c.b) })),
);

test(`transposed-operand products match numpy (${cases.length} cases)`, () => {
  const failures: string[] = [];
  cases.forEach((c, i) => {
    const r = results[i]!;
    if ('error' in r) {
      failures.push(`${c.label}: numpy raised ${r.error}`);
      return;
    }
    const f64 = c.out.dtype === 'float64';
    const msg = compareArrays(c.out, r, f64 ? 1e-9 : 1e-4, f64 ? 1e-12 : 1e-5);
    if (msg) failures.push(`${c.label}: ${msg}`);
  });
  assert.deepEqual(failures, []);
});

/** Counts the addon calls the engine makes, by method, while `body` runs. */
function countCalls(body: () => void): Map<string, number> {
  const real = native();
  const counts = new Map<string, number>();
  installAddon(
    new Proxy(real, {
      get(target, prop) {
        const v = target[prop as keyof NativeAddon] as unknown;
        if (typeof v !== 'function') return v;
        return (...args: unknown[]) => {
          counts.set(String(prop), (counts.get(String(prop)) ?? 0) + 1);
          return (v as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    }),
  );
  try {
    body();
  } finally {
    installAddon(real);
  }
  return counts;
}

test('np.dot(x, w.T) makes no transposed copy: one matmul call with transB', () => {
  const x = np.random.uniform(-1, 1, [16, 32]);
  const w = np.random.uniform(-1, 1, [24, 32]);
  let y: NDArray | null = null;
  const counts = countCalls(() => {
    y = np.dot(x, w.T);
  });
  assert.equal(counts.get('copyStrided') ?? 0, 0, `calls: ${JSON.stringify([...counts])}`);
  assert.equal(counts.get('matmul'), 1);
  const eager = np.dot(x, w.transpose([1, 0]).copy());
  assert.deepEqual(y!.toArray(), eager.toArray());
});

test('a deferred transpose keeps the values its source had (copy semantics)', () => {
  const w = np.array([
    [1, 2, 3],
    [4, 5, 6],
  ]);
  const wt = w.T;
  assert.deepEqual(wt.shape, [3, 2]);
  w.iadd(10); // in place: the transpose must have been copied first
  assert.deepEqual(wt.toArray(), [
    [1, 4],
    [2, 5],
    [3, 6],
  ]);

  const v = np.array([
    [1, 2],
    [3, 4],
  ]);
  const vt = v.T;
  v.set([0, 0], 100); // slice assignment
  const x = np.array([
    [1, 0],
    [0, 1],
  ]);
  assert.deepEqual(np.dot(x, vt).toArray(), [
    [1, 3],
    [2, 4],
  ]);

  const u = np.array([
    [1, 2],
    [3, 4],
  ]);
  const ut = u.T;
  np.array([
    [9, 9],
    [9, 9],
  ]).copyto(u);
  assert.deepEqual(np.dot(ut, x).toArray(), [
    [1, 3],
    [2, 4],
  ]);

  const s = np.array([[1, 2, 3]]);
  const st = s.T;
  s.dispose(); // freeing the source copies first
  assert.deepEqual(st.toArray(), [[1], [2], [3]]);

  const r = np.array([
    [1, 2],
    [3, 4],
  ]);
  const rv = r.reshape([4]); // a view sharing r's storage
  const rt = r.T;
  rv.iadd(1);
  assert.deepEqual(rt.toArray(), [
    [1, 3],
    [2, 4],
  ]);
  assert.deepEqual(r.T.T.toArray(), [
    [2, 3],
    [4, 5],
  ]);
});

test('a deferred transpose used by other ops and by autograd', () => {
  const w = np.array([
    [1, 2, 3],
    [4, 5, 6],
  ]);
  assert.deepEqual(w.T.add(1).toArray(), [
    [2, 5],
    [3, 6],
    [4, 7],
  ]);
  assert.deepEqual(w.T.sum(0).toArray(), [6, 15]);
  assert.deepEqual(w.T.reshape([6]).toArray(), [1, 4, 2, 5, 3, 6]);
  const wt = w.T;
  wt.dispose();
  assert.equal(wt.isDisposed, true);
  assert.equal(w.isDisposed, false);

  // Created outside record(), consumed inside: gradients flow to the transpose's values.
  const x = np.array([[1, 1, 1]]);
  const m = np.array([
    [1, 2],
    [3, 4],
    [5, 6],
  ]);
  const mt = m.T; // [2, 3]
  const a = np.array([[1, 2]]);
  a.attachGrad();
  autograd.record(() => np.dot(a, mt).mul(x).sum()).backward();
  // d/da sum(a · mᵀ) = row sums of mᵀ
  assert.deepEqual(a.grad!.toArray(), [[9, 12]]);

  // Inside record() the transpose is eager and recorded.
  const p = np.array([
    [1, 2],
    [3, 4],
  ]);
  p.attachGrad();
  autograd.record(() => np.dot(np.array([[1, 0]]), p.T).sum()).backward();
  assert.deepEqual(p.grad!.toArray(), [
    [1, 0],
    [1, 0],
  ]);
});

test('a misaligned product names the shapes as the caller wrote them', () => {
  const x = np.ones([2, 3]);
  const w = np.ones([4, 5]);
  assert.throws(() => np.dot(x, w.T), /shapes \[2,3\] and \[5,4\] are not aligned/);
  assert.throws(() => np.matmul(w.T, x), /shapes \[5,4\] and \[2,3\] are not aligned/);
});

test('np.matmulAsync copies a deferred transpose before it returns', async () => {
  const w = np.array([
    [1, 2],
    [3, 4],
  ]);
  const pending = np.matmulAsync(
    np.array([
      [1, 0],
      [0, 1],
    ]),
    w.T,
  );
  w.iadd(100);
  assert.deepEqual((await pending).toArray(), [
    [1, 3],
    [2, 4],
  ]);
});

test('every addon method is either guarded (writes into an existing buffer) or only writes fresh outputs', () => {
  // backend.ts makes deferred copies before a buffer is written or freed. A new addon method that
  // writes into an existing buffer must be guarded there; one that only fills outputs the engine
  // has just allocated belongs in this list.
  const FRESH_OUTPUTS_OR_READ_ONLY = new Set([
    'capabilities',
    'numGpus',
    'alloc',
    'bufferInfo',
    'memoryStats',
    'setMemoryBudget',
    'read',
    'unary',
    'unaryBackward',
    'binary',
    'binaryFlat',
    'binaryScalar',
    'reduce',
    'softmax',
    'softmaxBackward',
    'matmul',
    'matmulAsync',
    'linear',
    'linearAsync',
    'linearPlan',
    'netPlan', // reads the weights into the plan's own packed copies
    'netPlanStats',
    'gpuPlan', // reads the weights in place; allocates only its own buffers
    'gpuPlanStats',
    'batchNormBackward',
    'layerNorm',
    'layerNormBackward',
    'pad',
    'padBackward',
    'convolution',
    'convolutionBackwardData',
    'convolutionBackwardWeights',
    'pooling',
    'poolingBackward',
    'take',
    'takeBackward',
    'recurrent', // y, hn, cn and the workspace are allocated by engine/ops/recurrent.ts for the call
    'recurrentBackward',
    'recurrentWorkspaceBytes',
  ]);
  const g = native() as unknown as Record<string, unknown>;
  const raw = Object.getPrototypeOf(g) as Record<string, unknown>;
  const unlisted: string[] = [];
  for (const name of Object.keys(raw)) {
    if (typeof raw[name] !== 'function') continue;
    const guarded = Object.prototype.hasOwnProperty.call(g, name);
    if (guarded === FRESH_OUTPUTS_OR_READ_ONLY.has(name)) unlisted.push(`${name}${guarded ? ' (guarded but listed as fresh)' : ''}`);
  }
  assert.deepEqual(unlisted, []);
});
