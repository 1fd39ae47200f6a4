// The CUDA half of the native build, used by build-native.mjs. When nvcc is found (and
// BLOCKSMITH_CUDA is not 0) it compiles native/src/cuda/*.cu and native/src/ops/*_cuda.cu into
// native/build-cuda/libblocksmith_cuda.a, several nvcc processes at once, and returns the gyp
// variables that link it (with the static CUDA runtime, so the addon loads on machines without
// CUDA installed). Without nvcc the addon gets cuda_stub.cc. With nvcc, a compile error fails the
// build: CI must not silently ship a CPU-only addon.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { delimiter, dirname, join } from 'node:path';

/** Architectures the issue asks for; PTX of the newest one is embedded for future GPUs. */
export const WANTED_ARCHS = [70, 75, 80, 86, 89, 90];

function findNvcc() {
  const candidates = [
    process.env.NVCC,
    ...[process.env.CUDA_HOME, process.env.CUDA_PATH].filter(Boolean).map((r) => join(r, 'bin', 'nvcc')),
    ...(process.env.PATH ?? '')
      .split(delimiter)
      .filter(Boolean)
      .map((d) => join(d, 'nvcc')),
    '/usr/local/cuda/bin/nvcc',
  ].filter(Boolean);
  return candidates.find((p) => existsSync(p)) ?? null;
}

/** The toolkit nvcc belongs to (nvcc may be a wrapper script): its `TOP` in a dry run. */
function toolkitRoot(nvcc) {
  const r = spawnSync(nvcc, ['-dryrun', '-x', 'cu', '-c', '/dev/null', '-o', '/dev/null'], { encoding: 'utf8' });
  const m = /^#\$ TOP=(.*)$/m.exec(`${r.stdout}${r.stderr}`);
  return m ? realpathSync(m[1].trim()) : null;
}

/** compute_XX numbers this nvcc can target (`nvcc --list-gpu-arch`). */
function supportedArchs(nvcc) {
  const r = spawnSync(nvcc, ['--list-gpu-arch'], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  return [...r.stdout.matchAll(/compute_(\d+)/g)].map((m) => Number(m[1]));
}

/** -gencode flags: SASS for every wanted arch this nvcc supports, plus PTX for the newest. */
export function gencodeFlags(supported) {
  const archs = WANTED_ARCHS.filter((a) => supported.includes(a));
  if (archs.length === 0) return { archs, flags: [] };
  const newest = Math.max(...archs);
  const flags = archs.map((a) => (a === newest ? `-gencode=arch=compute_${a},code=[sm_${a},compute_${a}]` : `-gencode=arch=compute_${a},code=sm_${a}`));
  return { archs, flags };
}

function newestHeader(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestHeader(p));
    else if (/\.(h|cuh)$/.test(e.name)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function cudaSources(srcDir) {
  const list = (d, re) =>
    existsSync(d)
      ? readdirSync(d)
          .filter((f) => re.test(f))
          .map((f) => join(d, f))
      : [];
  return [...list(join(srcDir, 'cuda'), /\.cu$/), ...list(join(srcDir, 'ops'), /_cuda\.cu$/)].sort();
}

/**
 * Decides whether CUDA is built, without compiling anything. Returns { enabled, reason } or, when
 * enabled, also { nvcc, root, archs, flags, cublas }. Throws (with lines for the user) when nvcc
 * exists but the toolkit around it is unusable.
 */
export function detectCuda() {
  if (process.env.BLOCKSMITH_CUDA === '0') return { enabled: false, reason: 'BLOCKSMITH_CUDA=0' };
  const nvcc = findNvcc();
  if (!nvcc) return { enabled: false, reason: 'nvcc not found (set CUDA_HOME or NVCC to enable CUDA)' };
  const roots = [toolkitRoot(nvcc), dirname(dirname(realpathSync(nvcc))), process.env.CUDA_HOME, '/usr/local/cuda'];
  const root = roots.filter(Boolean).find((r) => existsSync(join(r, 'include', 'cuda_runtime.h')));
  const lib = root && ['lib64', 'lib', 'targets/x86_64-linux/lib'].map((d) => join(root, d)).find((d) => existsSync(join(d, 'libcudart_static.a')));
  if (!root || !lib) {
    throw new Error(`found ${nvcc}, but no toolkit with include/cuda_runtime.h and lib64/libcudart_static.a in ${roots.filter(Boolean).join(', ')}`);
  }
  const supported = supportedArchs(nvcc);
  if (!supported) throw new Error(`\`${nvcc} --list-gpu-arch\` failed; is this nvcc 11.6 or newer?`);
  const { archs, flags } = gencodeFlags(supported);
  if (archs.length === 0) throw new Error(`${nvcc} supports none of sm_${WANTED_ARCHS.join(', sm_')}`);
  const cublasLib = ['libcublas_static.a', 'libcublas.so'].find((f) => existsSync(join(lib, f)));
  const cublas = existsSync(join(root, 'include', 'cublas_v2.h')) && cublasLib ? cublasLib : '';
  return { enabled: true, nvcc, root, lib, archs, flags, cublas };
}

function run(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('close', (code, signal) => resolve(code ?? signal));
    child.on('error', (err) => resolve(err.message));
  });
}

/**
 * Compiles what changed (everything with force), in parallel, and archives the objects. Returns the gyp environment
 * (BLOCKSMITH_GYP_*) and whether the library was rebuilt; throws with the failing files.
 */
export async function buildCuda(cuda, nativeDir, { force = false } = {}) {
  const srcDir = join(nativeDir, 'src');
  // Not under native/build: `node-gyp rebuild` deletes that folder, and these objects take minutes.
  const outDir = join(nativeDir, 'build-cuda');
  mkdirSync(outDir, { recursive: true });
  const base = [
    '-std=c++17',
    '-O3',
    '-DNDEBUG',
    '-Xcompiler',
    '-fPIC',
    '--expt-relaxed-constexpr',
    // 186: "pointless comparison of unsigned with zero" from templates shared by every dtype.
    '-diag-suppress',
    '186',
    ...(cuda.cublas ? ['-DBS_HAVE_CUBLAS'] : []),
    ...cuda.flags,
  ];
  const jobs = Math.max(1, availableParallelism());
  const stampFile = join(outDir, 'flags.sha1');
  const stamp = createHash('sha1')
    .update(JSON.stringify([cuda.nvcc, base]))
    .digest('hex');
  const flagsChanged = force || !existsSync(stampFile) || readFileSync(stampFile, 'utf8') !== stamp;
  const headers = newestHeader(srcDir);
  const sources = cudaSources(srcDir);
  const objects = sources.map((s) =>
    join(
      outDir,
      s
        .slice(srcDir.length + 1)
        .replace(/[/\\]/g, '_')
        .replace(/\.cu$/, '.o'),
    ),
  );
  const stale = sources
    .map((s, i) => ({ src: s, obj: objects[i] }))
    .filter(({ src, obj }) => flagsChanged || !existsSync(obj) || statSync(obj).mtimeMs < Math.max(statSync(src).mtimeMs, headers));
  const started = Date.now();
  if (stale.length) {
    console.log(`blocksmith: nvcc: compiling ${stale.length} CUDA file(s) for sm_${cuda.archs.join(', sm_')} (+PTX), ${jobs} at a time ...`);
  }
  const failed = [];
  const queue = [...stale];
  // -t: each nvcc compiles its architectures in parallel too, using what the other jobs leave.
  const threads = String(Math.max(1, Math.floor(jobs / Math.min(jobs, Math.max(1, stale.length)))));
  await Promise.all(
    Array.from({ length: Math.min(jobs, queue.length) }, async () => {
      for (let item = queue.shift(); item; item = queue.shift()) {
        // random_cuda.cu must not fuse multiply-adds: its numbers must equal the CPU's bit for bit.
        const extra = item.src.endsWith('random_cuda.cu') ? ['-fmad=false'] : [];
        rmSync(item.obj, { force: true });
        const status = await run(cuda.nvcc, [...base, ...extra, '-t', threads, '-c', item.src, '-o', item.obj]);
        if (status !== 0) failed.push(item.src);
      }
    }),
  );
  if (failed.length) throw new Error(`nvcc failed on:\n${failed.map((f) => `  ${f}`).join('\n')}`);
  writeFileSync(stampFile, stamp);
  const lib = join(outDir, 'libblocksmith_cuda.a');
  const rebuilt = stale.length > 0 || !existsSync(lib);
  if (rebuilt) {
    rmSync(lib, { force: true });
    const ar = spawnSync('ar', ['rcs', lib, ...objects], { stdio: 'inherit' });
    if (ar.status !== 0) throw new Error(`ar failed to archive ${lib}`);
    console.log(`blocksmith: nvcc: done in ${((Date.now() - started) / 1000).toFixed(1)}s -> ${lib}`);
  }
  return {
    rebuilt,
    env: {
      BLOCKSMITH_GYP_CUDA: '1',
      BLOCKSMITH_GYP_CUDA_LIB: lib,
      BLOCKSMITH_GYP_CUDA_LIBDIR: cuda.lib,
      BLOCKSMITH_GYP_CUBLAS: cuda.cublas ? (cuda.cublas.endsWith('.a') ? 'static' : 'shared') : '0',
    },
  };
}
