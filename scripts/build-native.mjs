#!/usr/bin/env node
// Builds native/build/Release/blocksmith_native.node with node-gyp. Run by `npm install` (the root
// package's install script) and by `npm run build:native` (--force). Checks its toolchain first
// and says exactly what to install when something is missing.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCuda, detectCuda } from './build-cuda.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const nativeDir = join(root, 'native');
const output = join(nativeDir, 'build', 'Release', 'blocksmith_native.node');
const force = process.argv.includes('--force');
const started = Date.now();

function die(lines) {
  console.error(['', 'blocksmith: cannot build the native addon.', ...lines, ''].join('\n'));
  process.exit(1);
}

function installHint() {
  if (process.platform === 'darwin') return 'brew install onednn';
  if (process.platform === 'linux') {
    const osRelease = existsSync('/etc/os-release') ? readFileSafe('/etc/os-release') : '';
    if (/debian|ubuntu/i.test(osRelease)) return 'sudo apt-get install -y libdnnl-dev';
    if (/fedora|rhel|centos/i.test(osRelease)) return 'sudo dnf install onednn-devel';
    return 'sudo apt-get install -y libdnnl-dev   (Debian/Ubuntu; other distributions: the oneDNN 2.x dev package)';
  }
  return 'install oneDNN 2.x and set DNNL_ROOT to its prefix';
}

function readFileSafe(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

// ---- node-gyp: the project's own (devDependency) first, then the one bundled with npm.
function findNodeGyp() {
  const local = join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (existsSync(local)) return local;
  const npmExec = process.env.npm_execpath;
  if (npmExec) {
    const bundled = join(dirname(npmExec), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
    if (existsSync(bundled)) return bundled;
  }
  const npmPrefix = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm');
  const bundled = join(npmPrefix, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (existsSync(bundled)) return bundled;
  return null;
}

const nodeGyp = findNodeGyp();
if (!nodeGyp) die(['node-gyp was not found. Run `npm install` (it is a devDependency), or `npm install -g node-gyp`.']);

try {
  createRequire(join(root, 'package.json')).resolve('node-addon-api');
} catch {
  die(['node-addon-api is missing. Run `npm install` in the repository root.']);
}

// ---- oneDNN 2.x headers
const dnnlRoot = process.env.DNNL_ROOT;
const headerCandidates = [
  ...(dnnlRoot ? [join(dnnlRoot, 'include', 'oneapi', 'dnnl', 'dnnl.hpp')] : []),
  '/usr/include/oneapi/dnnl/dnnl.hpp',
  '/usr/local/include/oneapi/dnnl/dnnl.hpp',
  '/opt/homebrew/include/oneapi/dnnl/dnnl.hpp',
];
const header = headerCandidates.find((p) => existsSync(p));
if (!header) {
  die([
    'The oneDNN (DNNL) 2.x headers were not found. Looked for:',
    ...headerCandidates.map((p) => `  ${p}`),
    'Install them with:',
    `  ${installHint()}`,
    'or set DNNL_ROOT to a oneDNN install prefix (containing include/ and lib/), then run `npm run build:native`.',
  ]);
}

// ---- CUDA: built into the addon when nvcc is found (see build-cuda.mjs); BLOCKSMITH_CUDA=0 opts out.
let cuda;
try {
  cuda = detectCuda();
} catch (err) {
  die([`CUDA: ${err.message}`, 'Fix the CUDA toolkit install, or build without CUDA: BLOCKSMITH_CUDA=0 npm run build:native']);
}

// ---- one build at a time: `npm install` runs this script, and several people may run it at once
// in one tree; concurrent node-gyp runs delete each other's build directory.
const lockDir = join(tmpdir(), `blocksmith-native-${createHash('sha1').update(nativeDir).digest('hex').slice(0, 12)}.lock`);
function acquireLock() {
  const deadline = Date.now() + 15 * 60 * 1000;
  let announced = false;
  for (;;) {
    try {
      mkdirSync(lockDir);
      return;
    } catch {
      let age;
      try {
        age = Date.now() - statSync(lockDir).mtimeMs;
      } catch {
        continue; // released meanwhile
      }
      if (age > 15 * 60 * 1000 || Date.now() > deadline) {
        rmSync(lockDir, { recursive: true, force: true }); // stale: its owner died
        continue;
      }
      if (!announced) console.log(`blocksmith: another build of the native addon is running; waiting (${lockDir}) ...`);
      announced = true;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
    }
  }
}
acquireLock();
process.on('exit', () => rmSync(lockDir, { recursive: true, force: true }));

// ---- up to date?
function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'build' || entry.name === 'build-cuda' || entry.name === 'bench') continue;
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return newest;
}

// The addon must be relinked (and gyp reconfigured) when CUDA is switched on or off.
const configFile = join(nativeDir, 'build', 'blocksmith-config.json');
const config = JSON.stringify({ cuda: cuda.enabled, cublas: cuda.cublas ?? '' });
const configChanged = readFileSafe(configFile) !== config;
let gypEnv = { BLOCKSMITH_GYP_CUDA: '0' };
if (cuda.enabled) {
  try {
    const built = await buildCuda(cuda, nativeDir, { force });
    gypEnv = built.env;
    if (built.rebuilt) {
      // make does not track the .a: remove the linked module (and its copy) so it is relinked.
      rmSync(join(nativeDir, 'build', 'Release', 'obj.target', 'blocksmith_native.node'), { force: true });
      rmSync(output, { force: true });
    }
  } catch (err) {
    die([
      `CUDA: ${err.message}`,
      'The CUDA part failed to compile (see nvcc output above). To build the CPU-only addon instead: BLOCKSMITH_CUDA=0 npm run build:native',
    ]);
  }
} else {
  console.log(`blocksmith: building without CUDA (${cuda.reason}); gpu(i) will report "not compiled with CUDA".`);
}

if (!force && !configChanged && existsSync(output) && statSync(output).mtimeMs > newestSource(nativeDir)) {
  console.log(`blocksmith: native addon is up to date (${output}); use --force to rebuild.`);
  process.exit(0);
}

// ---- build
// --force (npm run build:native) reconfigures from scratch; otherwise, when a configured build
// tree is newer than binding.gyp, only the changed sources are recompiled.
const makefile = join(nativeDir, 'build', 'Makefile');
const incremental = !force && !configChanged && existsSync(makefile) && statSync(makefile).mtimeMs > statSync(join(nativeDir, 'binding.gyp')).mtimeMs;
const args = [nodeGyp, incremental ? 'build' : 'rebuild', '--jobs=max', '--loglevel=warn'];
// npm sets npm_config_nodedir from its config; when run by hand, use the headers that ship with
// this node (e.g. Debian's /usr/include/node) rather than letting node-gyp download them.
const installedHeaders = join(dirname(process.execPath), '..');
const nodedir = process.env.npm_config_nodedir || (existsSync(join(installedHeaders, 'include', 'node', 'node_api.h')) ? installedHeaders : '');
if (nodedir) args.push(`--nodedir=${nodedir}`);
console.log(`blocksmith: building the native addon (node-gyp ${args.slice(1).join(' ')}) ...`);
const result = spawnSync(process.execPath, args, { cwd: nativeDir, stdio: 'inherit', env: { ...process.env, ...gypEnv } });
if (result.status !== 0) {
  die([
    `node-gyp exited with status ${result.status ?? result.signal}. See the compiler output above.`,
    'It needs a C++17 compiler (g++ or clang), python3, make, and the oneDNN 2.x development package:',
    `  ${installHint()}`,
  ]);
}
if (!existsSync(output)) die([`node-gyp finished but ${output} does not exist.`]);

writeFileSync(configFile, config);
const seconds = ((Date.now() - started) / 1000).toFixed(1);
const size = (statSync(output).size / 1024).toFixed(0);
const cudaNote = cuda.enabled ? `CUDA for sm_${cuda.archs.join(', sm_')} (+PTX)${cuda.cublas ? ' with cuBLAS' : ''}` : 'no CUDA';
console.log(`blocksmith: built ${output} (${size} KiB) in ${seconds}s; oneDNN headers: ${dirname(header)}; ${cudaNote}`);
