// Finds and loads the native addon (native/src/addon.cc). Candidates are tried in order and every
// failure is kept, so the one error thrown at the end says what was tried and how to fix it.
// There is no pure-JS fallback: without the addon the engine cannot compute.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NativeAddon } from './native-addon';

const ADDON_FILE = 'blocksmith_native.node';

let cached: NativeAddon | undefined;

/** Repository root: this file lives at <root>/engine/backend/. */
function repoRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
}

/** The paths tried, in order: BLOCKSMITH_NATIVE_PATH, a prebuild for this platform, a local build. */
export function nativeAddonCandidates(): string[] {
  const root = repoRoot();
  const candidates: string[] = [];
  const override = process.env.BLOCKSMITH_NATIVE_PATH;
  if (override) candidates.push(resolve(override));
  candidates.push(join(root, 'prebuilds', `${process.platform}-${process.arch}`, ADDON_FILE));
  candidates.push(join(root, 'native', 'build', 'Release', ADDON_FILE));
  return candidates;
}

function looksLikeAddon(value: unknown): value is NativeAddon {
  const v = value as Partial<Record<keyof NativeAddon, unknown>> | null;
  return typeof v === 'object' && v !== null && typeof v.capabilities === 'function' && typeof v.alloc === 'function';
}

function fixHint(): string {
  const lines = ['How to fix:', '  - build it: `npm run build:native` (from the repository root).'];
  if (process.platform === 'darwin') lines.push('    It needs oneDNN 2.x: brew install onednn');
  else lines.push('    It needs oneDNN 2.x (libdnnl-dev): sudo apt-get install libdnnl-dev');
  lines.push(
    '  - or point BLOCKSMITH_NATIVE_PATH at a built blocksmith_native.node.',
    `  - an "invalid ELF header", "wrong architecture" or NODE_MODULE_VERSION error means the file was built for` +
      ` another platform or Node version: rebuild it with this Node (${process.version}, ${process.platform}-${process.arch}).`,
  );
  return lines.join('\n');
}

/**
 * Loads the addon once and returns it (later calls return the same object).
 *
 * @example
 *   const addon = loadNativeAddon();
 *   console.log(addon.capabilities().dnnlVersion); // "2.6.3"
 */
export function loadNativeAddon(): NativeAddon {
  cached ??= loadAddonFrom(nativeAddonCandidates());
  return cached;
}

/**
 * libgomp (the addon's OpenMP runtime) makes waiting threads spin ~300k iterations by default.
 * When the CPU is shared (the UI, other processes), a spinning thread holds its core while the
 * thread it waits for is descheduled, and one parallel region can cost a whole scheduler slice:
 * a 256^3 matmul took 8 ms instead of 0.15 ms on a busy 2-core machine. A short spin, then sleep,
 * avoids that at a few microseconds' cost. libgomp reads this when it is loaded with the addon;
 * setting GOMP_SPINCOUNT or OMP_WAIT_POLICY yourself overrides it.
 */
function tuneOpenMp(): void {
  if (process.env.GOMP_SPINCOUNT === undefined && process.env.OMP_WAIT_POLICY === undefined) {
    process.env.GOMP_SPINCOUNT = '10000';
  }
}

/** Loads the first candidate that works, or throws one E_NATIVE_LOAD error listing every failure. */
export function loadAddonFrom(candidates: readonly string[]): NativeAddon {
  const require = createRequire(import.meta.url);
  tuneOpenMp();
  const failures: string[] = [];
  for (const path of candidates) {
    if (!existsSync(path)) {
      failures.push(`  ${path}: not found`);
      continue;
    }
    try {
      const loaded: unknown = require(path);
      if (looksLikeAddon(loaded)) return loaded;
      failures.push(`  ${path}: loaded, but it is not the Blocksmith addon (no capabilities/alloc exports)`);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      failures.push(`  ${path}: ${message.split('\n')[0]}`);
    }
  }
  const error = new Error(['Could not load the Blocksmith native addon (blocksmith_native.node). Tried:', ...failures, fixHint()].join('\n'));
  (error as Error & { code: string }).code = 'E_NATIVE_LOAD';
  throw error;
}
