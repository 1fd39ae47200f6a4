// What the addon says about CUDA on this machine, GPU or not: the build flag, the reason when
// numGpus() is 0, E_NO_CUDA (never a crash) for gpu buffers, BLOCKSMITH_CUDA=0, and the build
// script's architecture list and failure handling. These run in CI, which has nvcc but no GPU.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEVICE_TYPE } from '../../engine/backend/native-addon';
import { addon, throwsCode } from './helpers';
// @ts-expect-error: a plain .mjs build script without type declarations
import { buildCuda, detectCuda, gencodeFlags } from '../../scripts/build-cuda.mjs';

const root = resolve(import.meta.dirname, '..', '..');
const caps = addon.capabilities();
const REASONS = /^(not compiled with CUDA|no NVIDIA driver|no CUDA device|CUDA disabled by BLOCKSMITH_CUDA=0)/;

test('capabilities: gpus match numGpus(), and cudaReason says why there are none', () => {
  assert.equal(caps.gpus?.length ?? 0, addon.numGpus());
  if (addon.numGpus() > 0) {
    assert.equal(caps.cudaReason, '');
    for (const g of caps.gpus ?? []) assert.match(g.computeCapability, /^\d+\.\d+$/);
  } else {
    assert.match(caps.cudaReason, REASONS);
    if (!caps.cuda) assert.match(caps.cudaReason, /^not compiled with CUDA/);
    console.log(`# cuda compiled: ${caps.cuda}; numGpus() = 0: ${caps.cudaReason}`);
  }
});

test('gpu buffers without a GPU fail with E_NO_CUDA carrying the reason', { skip: addon.numGpus() > 0 ? 'a GPU is present' : false }, () => {
  const why = /not compiled with CUDA|no NVIDIA driver|no CUDA device|BLOCKSMITH_CUDA=0/;
  for (const id of [0, 3]) throwsCode(() => addon.alloc(DEVICE_TYPE.gpu, id, 16), 'E_NO_CUDA', why);
  throwsCode(() => addon.alloc(DEVICE_TYPE.gpu, 0, 0), 'E_NO_CUDA');
});

test('BLOCKSMITH_CUDA=0 turns the GPUs off at run time in a CUDA build', { skip: caps.cuda ? false : 'not compiled with CUDA' }, () => {
  const r = spawnSync(
    process.execPath,
    [
      '-e',
      `const a = require(${JSON.stringify(join(root, 'native', 'build', 'Release', 'blocksmith_native.node'))});` +
        'console.log(JSON.stringify([a.numGpus(), a.capabilities().cudaReason]))',
    ],
    { encoding: 'utf8', env: { ...process.env, BLOCKSMITH_CUDA: '0' } },
  );
  assert.equal(r.status, 0, r.stderr);
  const [n, reason] = JSON.parse(r.stdout) as [number, string];
  assert.equal(n, 0);
  assert.match(reason, /BLOCKSMITH_CUDA=0/);
});

test('the build targets sm_75..sm_90 (+ sm_70 where nvcc still has it) with PTX for the newest', () => {
  const cuda13 = gencodeFlags([75, 80, 86, 87, 89, 90, 100, 120]);
  assert.deepEqual(cuda13.archs, [75, 80, 86, 89, 90]);
  assert.equal(cuda13.flags.at(-1), '-gencode=arch=compute_90,code=[sm_90,compute_90]');
  assert.deepEqual(gencodeFlags([50, 60, 70, 75, 80, 86, 89, 90]).archs, [70, 75, 80, 86, 89, 90]);
  const found = detectCuda();
  if (found.enabled) console.log(`# this machine's nvcc builds: sm_${found.archs.join(', sm_')}`);
});

test('an nvcc failure fails the CUDA build instead of falling back to the stub', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bs-nvcc-'));
  try {
    mkdirSync(join(dir, 'src', 'cuda'), { recursive: true });
    writeFileSync(join(dir, 'src', 'cuda', 'broken.cu'), 'this is not C++\n');
    const fakeNvcc = join(dir, 'nvcc');
    writeFileSync(fakeNvcc, '#!/bin/sh\necho "broken.cu(1): error: this declaration has no storage class" >&2\nexit 2\n');
    chmodSync(fakeNvcc, 0o755);
    const cuda = { enabled: true, nvcc: fakeNvcc, root: dir, lib: dir, archs: [75], flags: [], cublas: '' };
    await assert.rejects(buildCuda(cuda, dir), /nvcc failed on:[\s\S]*broken\.cu/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// Reads the fat binaries nvcc embedded in the addon (.nv_fatbin): one per .cu file, each entry a
// PTX or SASS image tagged with its architecture. Proves every kernel file was built for every
// architecture the build chose, without a GPU to load them on.
test(
  'the addon carries SASS for each chosen architecture and PTX for the newest, in every CUDA file',
  { skip: caps.cuda ? false : 'not compiled with CUDA' },
  (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'bs-fatbin-'));
    try {
      const out = join(dir, 'fatbin.bin');
      const r = spawnSync('objcopy', ['-O', 'binary', '--only-section=.nv_fatbin', join(root, 'native', 'build', 'Release', 'blocksmith_native.node'), out]);
      if (r.status !== 0) {
        t.skip('objcopy (binutils) is not available');
        return;
      }
      const d = readFileSync(out);
      const images = new Map<string, number>();
      let fatbins = 0;
      for (let i = 0; i + 16 <= d.length;) {
        if (d.readUInt32LE(i) !== 0xba55ed50) {
          i += 8;
          continue;
        }
        fatbins++;
        const end = i + d.readUInt16LE(i + 6) + Number(d.readBigUInt64LE(i + 8));
        for (let j = i + d.readUInt16LE(i + 6); j < end;) {
          const kind = d.readUInt16LE(j) === 1 ? 'ptx' : 'sm';
          const key = `${kind}_${d.readUInt32LE(j + 28)}`;
          images.set(key, (images.get(key) ?? 0) + 1);
          j += d.readUInt32LE(j + 4) + Number(d.readBigUInt64LE(j + 8));
        }
        i = end;
      }
      const { archs } = detectCuda() as { archs: number[] };
      assert.ok(fatbins >= 11, `expected a fat binary per CUDA source, found ${fatbins}`);
      for (const a of archs) assert.equal(images.get(`sm_${a}`), fatbins, `sm_${a} images`);
      assert.equal(images.get(`ptx_${Math.max(...archs)}`), fatbins, 'PTX of the newest architecture');
      console.log(`# ${fatbins} fat binaries: ${[...images.keys()].sort().join(', ')}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
