// What the GPU hybridize tests share (test/engine/gpu/hybridize.test.ts, hybridize-conv.test.ts):
// the skip when there is no GPU, the eager / traced / replayed comparison on gpu(0) against eager
// mode on gpu(0) (max|Δ|/max|y| ≤ 1e-5) and on cpu(0) (≤ 1e-4), the check that a net is one CUDA
// plan (oneGpu: both, with no warning), and the addon's count of device allocations.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { captureWarnings, cpu, gpu, np, numGpus, type Block, type NDArray } from '../../../engine/index.ts';
import { native } from '../../../engine/backend/backend.ts';
import { relDiff } from './hybrid-check.ts';

/** false when a GPU is present, else why the GPU cases skip (a failure under BLOCKSMITH_REQUIRE_GPU=1). */
export const skip: string | false = numGpus() > 0 ? false : `no GPU: ${native().capabilities().cudaReason || 'numGpus() is 0'}`;
if (skip && process.env.BLOCKSMITH_REQUIRE_GPU === '1') test('a GPU is required (BLOCKSMITH_REQUIRE_GPU=1)', () => assert.fail(skip));
else if (skip) console.log(`# gpu hybridize cases skipped: ${skip}`);

export const TOL_GPU = 1e-5;
export const TOL_CPU = 1e-4;

/**
 * Eager on the GPU, eager on the CPU (same weights), then the hybridized GPU forward traced and
 * replayed: both within TOL_GPU of eager on the GPU and TOL_CPU of the CPU. The net ends on gpu(0).
 */
export function checkGpu(net: Block, xCpu: NDArray): NDArray {
  net.hybridize(false);
  net.resetDevice(cpu());
  const onCpu = net.call(xCpu);
  net.resetDevice(gpu(0));
  const x = xCpu.copyto(gpu(0));
  const eager = net.call(x);
  net.hybridize();
  const traced = net.call(x);
  const replayed = net.call(x);
  assert.equal(traced.device, gpu(0));
  for (const [name, y] of [
    ['traced', traced],
    ['replayed', replayed],
  ] as const) {
    assert.ok(relDiff(y, eager) <= TOL_GPU, `${name} differs from eager on gpu(0) by ${relDiff(y, eager)}`);
    assert.ok(relDiff(y, onCpu) <= TOL_CPU, `${name} differs from eager on cpu(0) by ${relDiff(y, onCpu)}`);
  }
  return replayed;
}

/** The last traced plan is one CUDA plan (nothing eager) whose steps match `steps`. */
export function oneGpuPlan(net: Block, steps: RegExp): void {
  const plan = net.hybridCache!.describe();
  assert.equal(plan.length, 1, plan.join('\n'));
  assert.match(plan[0]!, /^native plan on gpu\(0\): /);
  assert.match(plan[0]!.replace(/^native plan on gpu\(0\): /, ''), steps);
}

/** checkGpu, with no warning (nothing eager), and the net is one CUDA plan of these steps. */
export function oneGpu(net: Block, x: NDArray, steps: RegExp = /./): NDArray {
  const [y, warnings] = captureWarnings(() => checkGpu(net, x));
  assert.deepEqual(warnings, []);
  oneGpuPlan(net, steps);
  return y;
}

export const gpuAllocations = (): number => native().memoryStats().gpuAllocations;

/** Running statistics, scale and shift away from their defaults, so that folding them is tested. */
export function randomizeBatchNorms(net: Block, seed: number): void {
  let s = seed;
  for (const p of net.collectParams().values()) {
    if (!/(running_mean|running_var|gamma|beta)$/.test(p.name)) continue;
    const lo = p.name.endsWith('running_var') || p.name.endsWith('gamma') ? 0.5 : -0.5;
    p.setData(np.random.uniform(lo, lo + 1, [p.shape![0]!], { seed: s++ }).copyto(p.data().device));
  }
}
