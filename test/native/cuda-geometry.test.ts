// The launch-geometry and index arithmetic of the CUDA kernels (native/src/cuda/geometry.h),
// checked on the host: g++ builds native/src/cuda/geometry_test.cc, which compares every
// function with brute force. Runs everywhere, GPU or not, so CI covers what a GPU run would
// otherwise be the first to exercise (offsets, collapsed dims, reduction plans, GEMM tiling).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');
const cxx = process.env.CXX || 'g++';
const hasCompiler = spawnSync(cxx, ['--version']).status === 0;

test('geometry.h agrees with brute force (host build of geometry_test.cc)', { skip: hasCompiler ? false : `${cxx} not found` }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'bs-geom-'));
  try {
    const exe = join(dir, 'geometry_test');
    const build = spawnSync(cxx, ['-std=c++17', '-O1', '-Wall', '-Wextra', '-Werror', '-o', exe, join(root, 'native', 'src', 'cuda', 'geometry_test.cc')], {
      encoding: 'utf8',
    });
    assert.equal(build.status, 0, `compiling geometry_test.cc failed:\n${build.stderr}`);
    const run = spawnSync(exe, [], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(run.status, 0, `geometry_test failed:\n${run.stdout}${run.stderr}`);
    assert.match(run.stdout, /^ok \d+/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
