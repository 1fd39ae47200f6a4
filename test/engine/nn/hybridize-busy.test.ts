// Compiled convolutional networks on a busy machine (native/src/net_plan_conv.cc): while other
// processes keep a core busy, a convolution of more than one image runs as chunks of images on
// the addon's own pool (no OpenMP team that waits for a member whose core is shared), and batch 1
// on the threads free. The results equal eager mode's either way. The load is simulated with
// BLOCKSMITH_ASSUME_BUSY_CORES in a child process (the addon reads it once, when it loads). The chunk
// counts are those of the direct convolution (BLOCKSMITH_WINOGRAD=0): Winograd steps
// (net_plan_winograd.cc) always run as chunks of tiles, busy or not, and are checked against
// eager mode in a third run; in a fourth (quiet, the default rule) a plan with Winograd steps runs
// its direct convolutions as chunks of images too (NetBuild::onPool), so all of the ResNet
// example's 20 convolutions run on the pool.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..', '..');

interface BusyRun {
  threading: { budget: number; available: number };
  out: Record<string, { diff: number; chunkJobs: number; winogradRuns: number }>;
}

function run(env: Record<string, string>): BusyRun {
  const script = join(root, 'test', 'engine', 'nn', 'support', 'busy-plans.ts');
  const r = spawnSync(process.execPath, ['--import', 'tsx', script], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 180_000,
  });
  assert.ifError(r.error);
  assert.equal(r.status, 0, `child failed (${JSON.stringify(env)}):\n${r.stderr}`);
  return JSON.parse(r.stdout) as BusyRun;
}

test('LeNet and ResNet hybridized equal eager with one core busy (convolutions in chunks of images) and on a quiet machine', () => {
  const busy = run({ BLOCKSMITH_ASSUME_BUSY_CORES: '1', BLOCKSMITH_WINOGRAD: '0' });
  const quiet = run({ BLOCKSMITH_ASSUME_BUSY_CORES: '0', BLOCKSMITH_WINOGRAD: '0' });
  const winograd = run({ BLOCKSMITH_ASSUME_BUSY_CORES: '1', BLOCKSMITH_WINOGRAD: '1' });
  const quietDefault = run({ BLOCKSMITH_ASSUME_BUSY_CORES: '0', BLOCKSMITH_WINOGRAD: '' });
  for (const [name, r] of [...Object.entries(busy.out), ...Object.entries(quiet.out), ...Object.entries(winograd.out), ...Object.entries(quietDefault.out)])
    assert.ok(r.diff <= 2e-5, `${name}: hybridized differs from eager by ${r.diff}`);
  if (busy.threading.budget < 2) return; // one CPU: nothing to split, nothing to wait for
  assert.equal(busy.threading.available, busy.threading.budget - 1);
  // Batches of several images ran their convolutions as chunk jobs; batch 1 and the quiet runs did not.
  assert.ok(busy.out['lenet batch 64']!.chunkJobs >= 1, JSON.stringify(busy.out));
  assert.ok(busy.out['resnet batch 16']!.chunkJobs >= 10, JSON.stringify(busy.out));
  for (const name of ['lenet batch 1', 'resnet batch 1']) assert.equal(busy.out[name]!.chunkJobs, 0, JSON.stringify(busy.out));
  for (const [name, r] of Object.entries(quiet.out)) assert.equal(r.chunkJobs, 0, `${name}: ${JSON.stringify(quiet.out)}`);
  // Quiet, default rule: the ResNet at batch 16 has Winograd steps, so its other convolutions ran
  // on the pool as well — one chunk job per convolution; LeNet (5×5) and batch 1 have none.
  const resnet = quietDefault.out['resnet batch 16']!;
  assert.ok(resnet.winogradRuns >= 1 && resnet.winogradRuns < 20, JSON.stringify(quietDefault.out));
  assert.equal(resnet.chunkJobs, 20, JSON.stringify(quietDefault.out));
  for (const name of ['lenet batch 1', 'lenet batch 64', 'resnet batch 1']) {
    assert.equal(quietDefault.out[name]!.winogradRuns, 0, JSON.stringify(quietDefault.out));
    assert.equal(quietDefault.out[name]!.chunkJobs, 0, JSON.stringify(quietDefault.out));
  }
});
