// The escapes people know, each tried from a code block: each must be refused with a coded error
// on the node, and afterwards the engine still answers (a plain block gives numpy's result) with
// the host's objects unchanged.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { np } from '../../../engine/ndarray/np.ts';
import { NDArray } from '../../../engine/ndarray/ndarray.ts';
import { codeModule, CodeError } from '../../../engine/sandbox/code-module.ts';
import { sandbox } from '../../../engine/sandbox/sandbox.ts';
import { trustCode } from '../../../engine/sandbox/trust.ts';
import { compareArrays, runNumpy, toWire, type WireArray } from '../support/numpy-oracle.ts';

trustCode();

const x = np.random.uniform(-1, 1, [2, 3]);
const forwardOf = (body: string): string => `export function forward(self: Self, x: NDArray): NDArray {\n${body}\n  return x;\n}\n`;
const run = (source: string): NDArray => codeModule(source, 'evil0').forward('evil0', [x], new Map())[0]!;
const hostAdd = NDArray.prototype.add;
const [want] = runNumpy<{ x: WireArray }, WireArray>('def run(c):\n    x = arr(c["x"])\n    return wire(np.maximum(x @ x.T - 0.1, 0))', [{ x: toWire(x) }]);

/** The engine still computes: a block using np and npx matches numpy on the same numbers. */
async function engineAnswers(): Promise<void> {
  const y = codeModule(forwardOf('  return npx.relu(np.dot(x, x.T).sub(0.1));'), 'good0').forward('good0', [x], new Map())[0]!;
  assert.equal(compareArrays(y, want!, 1e-5, 1e-6), null);
  assert.equal(NDArray.prototype.add, hostAdd);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
}

function refused(source: string, code: CodeError['code'], message: RegExp): void {
  assert.throws(
    () => run(source),
    (e: unknown) => {
      assert.ok(e instanceof CodeError, String(e));
      assert.equal(e.code, code, e.message);
      assert.match(e.detail, message);
      assert.equal(e.node, 'evil0');
      return true;
    },
  );
}

const CASES: { name: string; source: string; code: CodeError['code']; message: RegExp }[] = [
  // The classic vm escape: the global's constructor chain (`this` at a script's top level).
  {
    name: 'globalThis.constructor chain at the top level',
    source: `(globalThis as any).constructor.constructor('return process')();\n${forwardOf('')}`,
    code: 'E_CODE_EXCEPTION',
    message: /Code generation from strings disallowed/,
  },
  {
    name: 'this.constructor in a method',
    source: forwardOf(`  ({ f(this: any) { return this.constructor.constructor('return process')(); } }).f();`),
    code: 'E_CODE_EXCEPTION',
    message: /Code generation from strings disallowed/,
  },
  {
    name: "a function's constructor (Function)",
    source: forwardOf(`  (() => 0).constructor('return process')();`),
    code: 'E_CODE_EXCEPTION',
    message: /Code generation from strings disallowed/,
  },
  {
    name: "an engine function's constructor chain",
    source: forwardOf(`  (np.add as any).constructor.constructor('return process')();`),
    code: 'E_CODE_EXCEPTION',
    message: /Code generation from strings disallowed/,
  },
  {
    name: "an array wrapper's constructor chain",
    source: forwardOf(`  (x as any).constructor.constructor('return this')();`),
    code: 'E_CODE_EXCEPTION',
    message: /Code generation from strings disallowed/,
  },
  {
    name: 'the async function constructor',
    source: forwardOf(`  (async () => 0).constructor('return process')();`),
    code: 'E_CODE_EXCEPTION',
    message: /Code generation from strings disallowed/,
  },
  {
    name: 'self.constructor',
    source: forwardOf(`  (self as any).constructor.constructor('return process')();`),
    code: 'E_CODE_EXCEPTION',
    message: /undefined/,
  },
  { name: 'eval', source: forwardOf(`  eval('1 + 1');`), code: 'E_CODE_EXCEPTION', message: /eval is not defined/ },
  { name: 'require', source: forwardOf(`  require('node:fs');`), code: 'E_CODE_EXCEPTION', message: /require is not defined/ },
  {
    name: 'an import declaration',
    source: `import { readFileSync } from 'node:fs';\n${forwardOf('  readFileSync("/etc/passwd");')}`,
    code: 'E_CODE_EXCEPTION',
    message: /require is not defined/,
  },
  { name: 'process', source: forwardOf(`  (process as any).exit(1);`), code: 'E_CODE_EXCEPTION', message: /process is not defined/ },
  { name: 'timers', source: forwardOf(`  setTimeout(() => 0, 1);`), code: 'E_CODE_EXCEPTION', message: /setTimeout is not defined/ },
  { name: 'the network', source: forwardOf(`  fetch('http://127.0.0.1/');`), code: 'E_CODE_EXCEPTION', message: /fetch is not defined/ },
  {
    name: 'dynamic import()',
    source: forwardOf(`  (globalThis as any).p = import('node:fs');\n  throw new Error(String(Object.keys(globalThis)));`),
    code: 'E_CODE_EXCEPTION',
    message: /require is not defined|import|^[^p]/,
  },
  {
    name: 'Error.prepareStackTrace call sites',
    source: forwardOf(`  Error.prepareStackTrace = (_e: unknown, sites: any[]) => sites.map((s) => s.getFunction());`),
    code: 'E_CODE_EXCEPTION',
    message: /read only|Cannot assign/,
  },
  {
    name: 'replacing the global Error',
    source: forwardOf(`  (globalThis as any).Error = class { static prepareStackTrace() { return 1; } };`),
    code: 'E_CODE_EXCEPTION',
    message: /read only|Cannot assign/,
  },
  {
    name: 'Object.prototype pollution',
    source: forwardOf(`  (Object.prototype as any).polluted = 1;`),
    code: 'E_CODE_EXCEPTION',
    message: /not extensible|Cannot add property/,
  },
  { name: 'replacing an engine function', source: forwardOf(`  (np as any).add = () => 0;`), code: 'E_CODE_EXCEPTION', message: /read only|Cannot assign/ },
  {
    name: "the array wrapper's prototype",
    source: forwardOf(`  (Object.getPrototypeOf(x) as any).add = () => 0;`),
    code: 'E_CODE_EXCEPTION',
    message: /read only|Cannot assign/,
  },
  {
    name: 'an engine method outside the allowlist',
    source: forwardOf(`  (np as any).save('/tmp/x', x);`),
    code: 'E_CODE_EXCEPTION',
    message: /not a function/,
  },
  {
    name: 'SharedArrayBuffer and Atomics',
    source: forwardOf(`  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);`),
    code: 'E_CODE_EXCEPTION',
    message: /is not defined/,
  },
  {
    name: 'memory outside the heap (ArrayBuffer)',
    source: forwardOf(`  new ArrayBuffer(100e9);`),
    code: 'E_CODE_EXCEPTION',
    message: /ArrayBuffer is not defined/,
  },
  { name: 'a 100 GB array', source: forwardOf(`  new Array(25e9).fill(0);`), code: 'E_CODE_EXCEPTION', message: /Invalid array length/ },
  { name: 'a 100 GB string', source: forwardOf(`  'x'.repeat(100e9);`), code: 'E_CODE_EXCEPTION', message: /Invalid string length/ },
  {
    name: 'a 100 GB engine array',
    source: forwardOf(`  np.zeros([100000, 250000]);`),
    code: 'E_CODE_EXCEPTION',
    message: /would make about 25000000000 elements/,
  },
  { name: 'a 100 GB broadcast', source: forwardOf(`  np.ones([160000, 1]).add(np.ones([1, 160000]));`), code: 'E_CODE_EXCEPTION', message: /would make about/ },
  {
    name: 'deep recursion',
    source: forwardOf(`  const f = (n: number): number => f(n + 1) + 1;\n  f(0);`),
    code: 'E_CODE_EXCEPTION',
    message: /Maximum call stack/,
  },
  { name: 'an infinite loop', source: forwardOf(`  for (;;) { /* spin */ }`), code: 'E_CODE_TIMEOUT', message: /time limit/ },
  {
    name: 'an infinite loop in a promise job',
    source: forwardOf(`  void Promise.resolve().then(() => { for (;;) { /* spin */ } });`),
    code: 'E_CODE_TIMEOUT',
    message: /time limit/,
  },
  { name: 'a loop at the top level', source: `while (true) { /* spin */ }\n${forwardOf('')}`, code: 'E_CODE_TIMEOUT', message: /time limit/ },
];

for (const c of CASES) {
  test(`refused: ${c.name}; the engine still answers`, async () => {
    refused(c.source, c.code, c.message);
    await engineAnswers();
  });
}

test("refused: heap growth past the sandbox's memory limit stops the worker, and a fresh one answers", async () => {
  const before = sandbox().starts;
  refused(forwardOf('  const keep: number[][] = [];\n  for (;;) keep.push(new Array(100000).fill(1.5));'), 'E_CODE_STOPPED', /memory limit/);
  await engineAnswers();
  assert.equal(sandbox().starts, before + 1);
});

test("an error points at the line of the user's TypeScript", () => {
  const source =
    'interface Shape { dims: number[] }\n\nexport function forward(self: Self, x: NDArray): NDArray {\n  const s: Shape = { dims: x.shape };\n  return (x as any).nope(s);\n}\n';
  assert.throws(
    () => run(source),
    (e: unknown) => e instanceof CodeError && e.line === 5 && /nope is not a function/.test(e.message) && /line 5/.test(e.message),
  );
});

test('a syntax error names its line before anything runs', () => {
  assert.throws(
    () => codeModule('export function forward(self, x) {\n  return x +;\n}\n', 'bad0'),
    (e: unknown) => e instanceof CodeError && e.code === 'E_CODE_SYNTAX' && e.line === 2,
  );
});

test('untrusted: nothing runs until the document is trusted', () => {
  trustCode(false);
  try {
    assert.throws(
      () => run(forwardOf('')),
      (e: unknown) => e instanceof CodeError && e.code === 'E_CODE_UNTRUSTED',
    );
  } finally {
    trustCode();
  }
});
