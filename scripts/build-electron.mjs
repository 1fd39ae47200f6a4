// Bundles the Electron main process and preload into electron/dist with esbuild.
// main.js is ESM (package.json "type": "module"); the preload is CommonJS because sandboxed
// preloads cannot be ES modules, and it is bundled because they can require only `electron`
// (and a few Node shims), not other files.
//   node scripts/build-electron.mjs [--outdir electron/dist]
import { build } from 'esbuild';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { outdir: { type: 'string', default: 'electron/dist' } } });
const outdir = path.resolve(values.outdir);

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  external: ['electron'],
  sourcemap: true,
  logLevel: 'warning',
};

await build({
  ...common,
  entryPoints: ['electron/main/main.ts'],
  outfile: path.join(outdir, 'main.js'),
  format: 'esm',
});
await build({
  ...common,
  entryPoints: ['electron/preload/preload.ts'],
  outfile: path.join(outdir, 'preload.cjs'),
  format: 'cjs',
});
// The engine process for utilityProcess.fork. It sits two folders below the repository root,
// like engine/backend/, so the native loader finds native/build/Release from here as well.
await build({
  ...common,
  entryPoints: ['engine/service/process-main.ts'],
  outfile: path.join(outdir, 'engine.js'),
  format: 'esm',
});
console.log(`${path.relative(process.cwd(), outdir) || '.'}: main.js, preload.cjs, engine.js`);
