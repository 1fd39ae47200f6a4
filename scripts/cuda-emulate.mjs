#!/usr/bin/env node
// Runs the GPU test suites with the CUDA kernels EMULATED on the CPU, for machines without a GPU.
// Copies native/ to a temporary folder, rewrites every `kernel<<<grid, block, ...>>>(args)` into
// an emulated launch, compiles the .cu files with g++ against test/native/cuda-emulation/
// cuda_runtime.h (fibers for CUDA threads, host memory for device memory, two emulated GPUs),
// links them into a second addon in place of the nvcc-built library, and runs the given tests
// (default: the GPU suites) with BLOCKSMITH_NATIVE_PATH pointing at it. The real addon in
// native/build is not touched.
//
//   node scripts/cuda-emulate.mjs                       # test/native/cuda-{ops,conv}.test.ts test/engine/gpu
//   node scripts/cuda-emulate.mjs test/native test/engine
//   node scripts/cuda-emulate.mjs --asan                # kernels built with AddressSanitizer: any
//                                                       # out-of-bounds access of device memory aborts
//
// This checks kernel logic (indices, broadcasting, tiling, reductions, barriers, launch limits);
// only a real GPU checks CUDA's math library, timing and the driver (npm run test:gpu).
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const asan = process.argv.includes('--asan');
const args = process.argv.slice(2).filter((a) => a !== '--asan');
const tests = args.length ? args : ['test/native/cuda-ops.test.ts', 'test/native/cuda-conv.test.ts', 'test/engine/gpu'];
const work = mkdtempSync(join(tmpdir(), 'bs-cuda-emu-'));
const native = join(work, 'native');

function fail(message) {
  console.error(`cuda-emulate: ${message}`);
  process.exit(1);
}

/** `name<T><<<a, b, s, t>>>(args)` → `::bs_emu::launch(dim3(a), dim3(b), [&] { name<T>(args); })`. */
function rewriteLaunches(src) {
  let out = '';
  let i = 0;
  for (;;) {
    const k = src.indexOf('<<<', i);
    if (k < 0) return out + src.slice(i);
    let j = k;
    if (src[j - 1] === '>') {
      // template arguments of the kernel name
      let depth = 0;
      for (j--; ; j--) {
        if (src[j] === '>') depth++;
        else if (src[j] === '<') depth--;
        if (depth === 0) break;
      }
    }
    while (j > 0 && /[\w:]/.test(src[j - 1])) j--;
    const e = src.indexOf('>>>', k);
    const cfg = [];
    let depth = 0,
      cur = '';
    for (const ch of src.slice(k + 3, e)) {
      if ('(<['.includes(ch)) depth++;
      if (')>]'.includes(ch)) depth--;
      if (ch === ',' && depth === 0) {
        cfg.push(cur);
        cur = '';
      } else cur += ch;
    }
    cfg.push(cur);
    const p = src.indexOf('(', e);
    let q = p;
    for (let d = 0; ; q++) {
      if (src[q] === '(') d++;
      else if (src[q] === ')' && --d === 0) break;
    }
    out += `${src.slice(i, j)}::bs_emu::launch(dim3(${cfg[0]}), dim3(${cfg[1]}), [&] { ${src.slice(j, k)}(${src.slice(p + 1, q)}); })`;
    i = q + 1;
  }
}

function run(cmd, args, opts = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: 'inherit', ...opts });
    child.on('close', (code) => resolve(code));
  });
}

try {
  mkdirSync(native, { recursive: true });
  cpSync(join(root, 'native', 'src'), join(native, 'src'), { recursive: true });
  cpSync(join(root, 'native', 'binding.gyp'), join(native, 'binding.gyp'));
  symlinkSync(join(root, 'node_modules'), join(work, 'node_modules'));
  const sources = [
    ...readdirSync(join(native, 'src', 'cuda'))
      .filter((f) => f.endsWith('.cu'))
      .map((f) => join(native, 'src', 'cuda', f)),
    ...readdirSync(join(native, 'src', 'ops'))
      .filter((f) => f.endsWith('_cuda.cu'))
      .map((f) => join(native, 'src', 'ops', f)),
  ];
  for (const s of sources) writeFileSync(s, rewriteLaunches(readFileSync(s, 'utf8')));

  // Compile the kernels as host C++, several at a time.
  const objDir = join(native, 'build-emu');
  mkdirSync(objDir);
  const include = join(root, 'test', 'native', 'cuda-emulation');
  const queue = sources.map((s, n) => ({ src: s, obj: join(objDir, `${n}.o`) }));
  let failed = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, availableParallelism()) }, async () => {
      for (let item = queue.shift(); item; item = queue.shift()) {
        const code = await run(process.env.CXX || 'g++', [
          '-std=c++20',
          '-O1',
          '-g',
          '-fPIC',
          '-ffp-contract=off',
          '-w',
          ...(asan ? ['-fsanitize=address', '-fno-omit-frame-pointer'] : []),
          `-I${include}`,
          '-include',
          'cuda_runtime.h',
          '-x',
          'c++',
          '-c',
          item.src,
          '-o',
          item.obj,
        ]);
        if (code !== 0) failed++;
      }
    }),
  );
  if (failed) fail(`${failed} emulated CUDA file(s) did not compile`);
  const lib = join(objDir, 'libblocksmith_cuda_emu.a');
  spawnSync('ar', ['rcs', lib, ...sources.map((_, n) => join(objDir, `${n}.o`))], { stdio: 'inherit' });
  // binding.gyp links -lcudart_static: an empty one stands in for the runtime.
  spawnSync('gcc', ['-x', 'c', '-c', '/dev/null', '-o', join(objDir, 'empty.o')], { stdio: 'inherit' });
  spawnSync('ar', ['rcs', join(objDir, 'libcudart_static.a'), join(objDir, 'empty.o')], { stdio: 'inherit' });

  const nodeGyp = join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  const headers = join(dirname(process.execPath), '..');
  const gypArgs = [nodeGyp, 'rebuild', '--jobs=max', '--loglevel=warn'];
  if (existsSync(join(headers, 'include', 'node', 'node_api.h'))) gypArgs.push(`--nodedir=${headers}`);
  console.log('cuda-emulate: linking the addon with emulated kernels ...');
  const env = { ...process.env, BLOCKSMITH_GYP_CUDA: '1', BLOCKSMITH_GYP_CUDA_LIB: lib, BLOCKSMITH_GYP_CUDA_LIBDIR: objDir, BLOCKSMITH_GYP_CUBLAS: '0' };
  if ((await run(process.execPath, gypArgs, { cwd: native, env, stdio: ['ignore', 'ignore', 'inherit'] })) !== 0) fail('node-gyp failed');

  const addon = join(native, 'build', 'Release', 'blocksmith_native.node');
  console.log(`cuda-emulate: running ${tests.join(' ')} on 2 emulated GPUs${asan ? ' under AddressSanitizer' : ''} (${addon})`);
  // Only the emulated kernels are instrumented; libasan is preloaded so node's malloc is checked too.
  const asanEnv = asan
    ? {
        LD_PRELOAD: spawnSync('gcc', ['-print-file-name=libasan.so'], { encoding: 'utf8' }).stdout.trim(),
        ASAN_OPTIONS: 'detect_leaks=0:verify_asan_link_order=0',
      }
    : {};
  const code = await run(process.execPath, [join(root, 'scripts', 'run-tests.mjs'), ...tests], {
    cwd: root,
    env: { ...process.env, ...asanEnv, BLOCKSMITH_NATIVE_PATH: addon, BLOCKSMITH_REQUIRE_GPU: '1' },
  });
  process.exitCode = code ?? 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
