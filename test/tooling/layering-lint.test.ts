// The layering rules in eslint.config.js, checked on small snippets linted as if they lived at a
// given path: what each layer may and may not import.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const eslint = new ESLint({ cwd: repoRoot });

async function restrictedImports(filePath: string, specifier: string): Promise<number> {
  const code = `import type { X } from '${specifier}';\nexport type Y = X;\n`;
  const [result] = await eslint.lintText(code, { filePath: path.join(repoRoot, filePath) });
  assert.ok(result);
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').length;
}

const cases: ReadonlyArray<[file: string, specifier: string, allowed: boolean]> = [
  // engine/ stays free of UI and Electron
  ['engine/nn/block.ts', 'electron', false],
  ['engine/nn/block.ts', 'react', false],
  ['engine/nn/block.ts', 'react-dom/client', false],
  ['engine/nn/block.ts', '@xyflow/react', false],
  ['engine/nn/block.ts', 'zustand', false],
  ['engine/nn/block.ts', '../../renderer/src/App.tsx', false],
  ['engine/nn/block.ts', '../../electron/ipc/handle.ts', false],
  ['engine/nn/block.ts', '../ndarray/ndarray.ts', true],
  ['engine/nn/block.ts', 'node:fs', true],
  // renderer/ never reaches native code or Node, and only pure engine modules
  ['renderer/src/App.tsx', '../../native/build/Release/blocksmith.node', false],
  ['renderer/src/App.tsx', 'node-addon-api', false],
  ['renderer/src/App.tsx', '../../engine/backend/native-loader.ts', false],
  ['renderer/src/App.tsx', 'node:fs', false],
  ['renderer/src/App.tsx', 'fs', false],
  ['renderer/src/App.tsx', 'electron', false],
  ['renderer/src/App.tsx', '../../engine/index.ts', false],
  ['renderer/src/App.tsx', '../../engine', false],
  ['renderer/src/App.tsx', '../../engine/ndarray/ndarray.ts', false],
  ['renderer/src/App.tsx', '../../engine/nn/layers/dense.ts', false],
  ['renderer/src/App.tsx', '../../engine/protocol/graph-file.ts', true],
  ['renderer/src/App.tsx', '../../engine/nn/layers/dense.spec.ts', true],
  ['renderer/src/App.tsx', '../../engine/nn/layers/conv/spec.ts', true],
  ['renderer/src/App.tsx', 'react', true],
  ['renderer/src/App.tsx', '@xyflow/react', true],
  ['renderer/src/App.tsx', '../../electron/preload/api.ts', true],
  // the preload imports nothing from the engine
  ['electron/preload/preload.ts', '../../engine/protocol/graph-file.ts', false],
  ['electron/preload/preload.ts', '../../engine/index.ts', false],
  ['electron/preload/preload.ts', '../ipc/channel-names.ts', true],
  ['electron/preload/preload.ts', 'electron', true],
];

for (const [file, specifier, allowed] of cases) {
  test(`${file}: import '${specifier}' is ${allowed ? 'allowed' : 'refused'}`, async () => {
    const reports = await restrictedImports(file, specifier);
    if (allowed) assert.equal(reports, 0);
    else assert.ok(reports > 0, 'expected no-restricted-imports to report it');
  });
}
