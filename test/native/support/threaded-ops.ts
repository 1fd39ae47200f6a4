// Child process of threading.test.ts: runs a fixed set of ops on deterministic inputs under the
// thread settings its environment gives (BLOCKSMITH_THREADS, BLOCKSMITH_WORK_PER_THREAD, ...)
// and prints the addon's threading figures and every result as JSON on stdout.
import { autograd, np, npx, type NDArray } from '../../../engine/index.ts';
import { conv } from '../../../engine/ops/conv.ts';
import { loadNativeAddon } from '../../../engine/backend/native-loader.ts';
import { DTYPE_CODE, UNARY_OP } from '../../../engine/backend/native-addon.ts';

/** x[i] = sin(0.37 i + seed): the same formula the numpy oracle evaluates. */
function input(shape: number[], seed: number): NDArray {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = Math.sin(0.37 * i + seed);
  return np.array(data, { shape });
}

const a = input([130, 300], 1);
const b = input([300, 257], 2);
const x = input([200, 256], 3);
const w = input([300, 256], 4);
const bias = input([300], 5);
const big = input([70_000], 6);
const s = input([300, 200], 7);
const r = input([400, 500], 8);

const values = (y: NDArray): number[] => Array.from(y.toTyped() as Float32Array);

// A compiled chain (what hybridize() runs): xc [203, 256] → 300 (relu) → 40, run twice so the
// second call replays the prepared steps. Its first layer multiplies by packed weights; 203 rows
// leave a short last chunk when it runs as row chunks (one core busy).
const addon = loadNativeAddon();
const w2 = input([40, 300], 9);
const xc = input([203, 256], 10);
const plan = addon.linearPlan(DTYPE_CODE.float32, 203, [w.buffer, w2.buffer], [bias.buffer, null], [256, 300, 40], [UNARY_OP.relu, -1]);
const chainOut = np.zeros([203, 40]);
addon.linearPlanRun(plan, xc.buffer, chainOut.buffer);
addon.linearPlanRun(plan, xc.buffer, chainOut.buffer);

// A one-row chain: xr [1, 600] → 512 (relu) → 10. With two threads or more its first layer runs as
// output-unit slices and both layers as one job of the pool (OneRowChain).
const xr = input([1, 600], 11);
const wr1 = input([512, 600], 12);
const wr2 = input([10, 512], 13);
const rowPlan = addon.linearPlan(DTYPE_CODE.float32, 1, [wr1.buffer, wr2.buffer], [null, null], [600, 512, 10], [UNARY_OP.relu, -1]);
const rowOut = np.zeros([1, 10]);
addon.linearPlanRun(rowPlan, xr.buffer, rowOut.buffer);
addon.linearPlanRun(rowPlan, xr.buffer, rowOut.buffer);

// A convolution big enough to run as chunks of images with one core busy (8 images, ~9 M
// multiply-adds), forward and the gradient of its input (backward data, chunked the same way).
const xv = input([8, 8, 24, 24], 14);
const wv = input([32, 8, 3, 3], 15);
const bv = input([32], 16);
const gv = input([8, 32, 22, 22], 17);
xv.attachGrad();
const convOut = autograd.record(() => conv(xv, wv, bv, { activation: 'relu' }));
autograd.record(() => conv(xv, wv, bv).mul(gv).sum()).backward();

const out: Record<string, number[]> = {
  conv: values(convOut),
  convGradX: values(xv.grad!),
  matmul: values(np.dot(a, b)),
  linearRelu: values(npx.fullyConnected(x, w, bias, { activation: 'relu' })),
  tanh: values(big.tanh()),
  softmax: values(npx.softmax(s)),
  sumRows: values(r.sum(1)),
  add: values(big.add(big.tanh())),
  chain: values(chainOut),
  rowChain: values(rowOut),
};
process.stdout.write(JSON.stringify({ threading: addon.capabilities().threading, out }));
