// The threading model (native/src/threading.h, thread_policy.h): the thread-count rules on the
// host (thread_policy_test.cc, built with g++), the budget the addon reads against Python's
// os.sched_getaffinity, caps from the environment, and results that do not depend on the thread
// count: the same ops run one-threaded, on every thread, adaptively and as row chunks (one core
// taken; convolutions as chunks of images), each against numpy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadNativeAddon } from '../../engine/backend/native-loader';
import type { NativeThreading } from '../../engine/backend/native-addon';
import { runNumpy } from '../engine/support/numpy-oracle.ts';

const root = resolve(import.meta.dirname, '..', '..');
const cxx = process.env.CXX || 'g++';
const hasCompiler = spawnSync(cxx, ['--version']).status === 0;
const python = '/usr/bin/python3';

test('thread_policy.h rules (host build of thread_policy_test.cc)', { skip: hasCompiler ? false : `${cxx} not found` }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'bs-threads-'));
  try {
    const exe = join(dir, 'thread_policy_test');
    const build = spawnSync(cxx, ['-std=c++17', '-O1', '-Wall', '-Wextra', '-Werror', '-o', exe, join(root, 'native', 'src', 'thread_policy_test.cc')], {
      encoding: 'utf8',
    });
    assert.equal(build.status, 0, `compiling thread_policy_test.cc failed:\n${build.stderr}`);
    const run = spawnSync(exe, [], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(run.status, 0, `thread_policy_test failed:\n${run.stdout}${run.stderr}`);
    assert.match(run.stdout, /^ok \d+/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const threading = (): NativeThreading => {
  const t = loadNativeAddon().capabilities().threading;
  assert.ok(t, 'capabilities().threading is missing: rebuild the addon');
  return t;
};

test('the budget is the affinity mask (Python os.sched_getaffinity), capped by the cgroup quota', () => {
  const affinity = Number(execFileSync(python, ['-c', 'import os; print(len(os.sched_getaffinity(0)))'], { encoding: 'utf8' }).trim());
  const t = threading();
  assert.equal(t.affinityCpus, affinity);
  const quota = t.quotaCores > 0 ? Math.ceil(t.quotaCores) : Infinity;
  const cap = t.cap > 0 ? t.cap : Infinity;
  assert.equal(t.budget, Math.max(1, Math.min(affinity, quota, cap)));
  assert.equal(loadNativeAddon().capabilities().threads, t.budget);
  assert.ok(t.available >= 1 && t.available <= t.budget, `available ${t.available} outside 1..${t.budget}`);
});

interface ChildResult {
  threading: NativeThreading;
  out: Record<string, number[]>;
}

function runChild(env: Record<string, string>, prefix: string[] = []): ChildResult {
  const script = join(root, 'test', 'native', 'support', 'threaded-ops.ts');
  const [cmd, ...args] = [...prefix, process.execPath, '--import', 'tsx', script];
  const r = spawnSync(cmd!, args, { cwd: root, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000, maxBuffer: 256 << 20 });
  assert.ifError(r.error);
  assert.equal(r.status, 0, `child failed (${JSON.stringify(env)}):\n${r.stderr}`);
  return JSON.parse(r.stdout) as ChildResult;
}

const hasTaskset = spawnSync('taskset', ['--version']).status === 0;

test('a one-CPU affinity mask and BLOCKSMITH_THREADS each give a budget of one', { skip: hasTaskset ? false : 'taskset not found' }, () => {
  const pinned = runChild({}, ['taskset', '-c', '0']);
  assert.equal(pinned.threading.affinityCpus, 1);
  assert.equal(pinned.threading.budget, 1);
  const capped = runChild({ BLOCKSMITH_THREADS: '1' });
  assert.equal(capped.threading.cap, 1);
  assert.equal(capped.threading.budget, 1);
});

test('results do not depend on the thread count: one thread, every thread, adaptive, against numpy', () => {
  const runs = {
    oneThread: runChild({ BLOCKSMITH_THREADS: '1' }),
    // Every product and pass forks on all threads, cores busy elsewhere or not.
    allThreads: runChild({ BLOCKSMITH_ADAPTIVE_THREADS: '0', BLOCKSMITH_WORK_PER_THREAD: '1' }),
    adaptive: runChild({}),
    // One core taken by another process (as the sampler would report it): big products run as
    // row chunks that the threads take as they come.
    oneCoreBusy: runChild({ BLOCKSMITH_ASSUME_BUSY_CORES: '1' }),
  };
  assert.equal(runs.allThreads.threading.adaptive, false);
  assert.equal(runs.oneCoreBusy.threading.available, Math.max(1, runs.oneCoreBusy.threading.budget - 1));
  const [expected] = runNumpy<null, Record<string, number[]>>(
    String.raw`
def inp(shape, seed):
    n = int(np.prod(shape))
    return np.sin(0.37 * np.arange(n, dtype=np.float64) + seed).astype(np.float32).astype(np.float64).reshape(shape)
def run(_):
    a, b = inp([130, 300], 1), inp([300, 257], 2)
    x, w, bias = inp([200, 256], 3), inp([300, 256], 4), inp([300], 5)
    big, s, r = inp([70000], 6), inp([300, 200], 7), inp([400, 500], 8)
    e = np.exp(s - s.max(axis=1, keepdims=True))
    xv, wv, bv, gv = inp([8, 8, 24, 24], 14), inp([32, 8, 3, 3], 15), inp([32], 16), inp([8, 32, 22, 22], 17)
    patches = np.lib.stride_tricks.sliding_window_view(xv, (3, 3), axis=(2, 3))  # (8, 8, 22, 22, 3, 3)
    conv = np.einsum('nchwij,ocij->nohw', patches, wv) + bv[None, :, None, None]
    gx = np.zeros_like(xv)
    for i in range(3):
        for j in range(3):
            gx[:, :, i:i + 22, j:j + 22] += np.einsum('nohw,oc->nchw', gv, wv[:, :, i, j])
    return {
        'conv': np.maximum(conv, 0).ravel().tolist(),
        'convGradX': gx.ravel().tolist(),
        'matmul': (a @ b).ravel().tolist(),
        'linearRelu': np.maximum(x @ w.T + bias, 0).ravel().tolist(),
        'tanh': np.tanh(big).tolist(),
        'softmax': (e / e.sum(axis=1, keepdims=True)).ravel().tolist(),
        'sumRows': r.sum(axis=1).tolist(),
        'add': (big + np.tanh(big)).tolist(),
        'chain': (np.maximum(inp([203, 256], 10) @ w.T + bias, 0) @ inp([40, 300], 9).T).ravel().tolist(),
        'rowChain': (np.maximum(inp([1, 600], 11) @ inp([512, 600], 12).T, 0) @ inp([10, 512], 13).T).ravel().tolist(),
    }
`,
    [null],
  );
  assert.ok(expected && !('error' in expected), `numpy failed: ${JSON.stringify(expected)}`);
  for (const [runName, run] of Object.entries(runs)) {
    for (const [op, want] of Object.entries(expected)) {
      const got = run.out[op]!;
      assert.equal(got.length, want.length, `${runName} ${op}: length`);
      // float32 sums of hundreds of terms: relative to each value, plus a share of the largest.
      const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      for (let i = 0; i < want.length; i++) {
        const tol = 1e-4 * Math.abs(want[i]!) + 1e-5 * scale + 1e-6;
        if (!(Math.abs(got[i]! - want[i]!) <= tol)) assert.fail(`${runName} ${op}[${i}]: ${got[i]} against numpy ${want[i]}`);
      }
    }
  }
});
