// The `blocksmith` CLI as a user runs it (scripts/blocksmith.mjs in a child process): every
// example document checked against the chapter, `params` on .npz and MXNet .params files,
// `validate` on a broken document, and the exit codes (0 ok, 1 the user's input, 2 internal).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { writeArrayFile } from '../../engine/io/array-file.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const examplesDir = path.join(root, 'assets/examples');
const examples = existsSync(examplesDir)
  ? readdirSync(examplesDir)
      .filter((f) => f.endsWith('.json'))
      .sort()
  : [];
const mlp = path.join(root, 'test/service/fixtures/mlp.json');

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(root, 'scripts/blocksmith.mjs'), ...args], { encoding: 'utf8', timeout: 60000, cwd: work });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface RunJson {
  outputs: { shape: number[]; dtype: string; data: unknown[] }[];
  edgeShapes: Record<string, number[]>;
  parameters: { name: string; shape: number[]; dtype: string }[];
}
function runJson(doc: string, ...extra: string[]): RunJson {
  const r = cli('run', doc, '--json', ...extra);
  assert.equal(r.status, 0, `${doc}: ${r.stderr}`);
  return JSON.parse(r.stdout) as RunJson;
}
const example = (pattern: RegExp) => examples.find((f) => pattern.test(f));

let work: string;
before(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'blocksmith-cli-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('blocksmith run', () => {
  test("names a repeat's edges by the instance, the copy and the layers the model has there", () => {
    const r = cli('run', path.join(examplesDir, 'rgnet.json'), '--input-shape', '2,20');
    assert.equal(r.status, 0, r.stderr);
    // The oracle: the parameter table the same run prints (copy 1 of the repeat holds dense2 and dense3).
    assert.match(r.stdout, /^ {2}dense3_weight +\(16, 32\) +float32$/m);
    assert.match(r.stdout, /^ {2}sequential1 › repeat0#1 › dense2 → dense3 +\(2, 32\)$/m);
    assert.doesNotMatch(r.stdout, /rep#/);
  });

  test('prints the output, the per-edge shapes and the parameter table', () => {
    const r = cli('run', mlp, '--input-shape', '2,20', '--seed', '3');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^output 0: shape \(2, 10\) float32$/m);
    assert.match(r.stdout, /^array\(\[\[/m);
    // Edges by the names the editor shows, not the document's ids (e1 is dense0 → dense1).
    assert.match(r.stdout, /^ {2}dense0 → dense1 +\(2, 256\)$/m);
    assert.match(r.stdout, /^ {2}dense0_weight +\(256, 20\) +float32$/m);
    assert.match(r.stdout, /^ {2}dense1_bias +\(10,\) +float32$/m);
  });

  test('--json gives outputs, edge shapes and parameters in collectParams order; --seed repeats', () => {
    const a = runJson(mlp, '--input-shape', '2,20', '--seed', '5');
    assert.deepEqual(a.parameters, [
      { name: 'dense0_weight', shape: [256, 20], dtype: 'float32' },
      { name: 'dense0_bias', shape: [256], dtype: 'float32' },
      { name: 'dense1_weight', shape: [10, 256], dtype: 'float32' },
      { name: 'dense1_bias', shape: [10], dtype: 'float32' },
    ]);
    assert.deepEqual(a.outputs[0]!.shape, [2, 10]);
    assert.deepEqual(runJson(mlp, '--input-shape', '2,20', '--seed', '5').outputs, a.outputs);
  });

  test('--save-params writes an MXNet .params file that `params` lists', async () => {
    const file = path.join(work, 'mlp.params');
    assert.equal(cli('run', mlp, '--input-shape', '2,20', '--save-params', file).status, 0);
    const r = cli('params', file);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /mxnet, 4 array\(s\)/);
    assert.match(r.stdout, /^ {2}0\.weight +\(256, 20\) +float32$/m);
  });

  for (const file of examples) {
    test(`example ${file} runs on its own input spec`, async () => {
      const doc = JSON.parse(await readFile(path.join(examplesDir, file), 'utf8')) as { input: { shape: number[] } };
      const r = runJson(path.join(examplesDir, file));
      assert.ok(r.outputs.length >= 1);
      // FancyMLP (in the chimera) ends in a sum: a scalar, as in the chapter; the rest keep the batch.
      if (r.outputs[0]!.shape.length > 0) assert.equal(r.outputs[0]!.shape[0], Math.max(1, doc.input.shape[0]!), 'batch');
      assert.equal(Object.keys(r.edgeShapes).length > 0, true);
      const names = r.parameters.map((p) => p.name);
      assert.equal(new Set(names).size, names.length, 'each parameter once');
      for (const shape of Object.values(r.edgeShapes)) assert.ok(shape.every((d) => d >= 0));
    });
  }

  // What the chapter prints for each model (collect_params order; shapes as Gluon shows them).
  const chapter: Record<string, { count: number; first: [string, number[]]; last: [string, number[]] }> = {
    'mlp.json': { count: 4, first: ['dense0_weight', [256, 20]], last: ['dense1_bias', [10]] },
    'my-sequential.json': { count: 4, first: ['dense0_weight', [256, 20]], last: ['dense1_bias', [10]] },
    'nest-mlp.json': { count: 6, first: ['dense0_weight', [64, 20]], last: ['dense2_bias', [16]] },
    'chimera.json': { count: 11, first: ['dense0_weight', [64, 20]], last: ['fancymlp0_bias', [20]] },
    'centered.json': { count: 2, first: ['dense0_weight', [128, 8]], last: ['dense0_bias', [128]] },
    'my-dense.json': { count: 4, first: ['mydense0_weight', [64, 8]], last: ['mydense1_bias', [1]] },
    'tied.json': { count: 6, first: ['dense1_weight', [8, 20]], last: ['dense3_bias', [10]] },
  };
  for (const [file, want] of Object.entries(chapter)) {
    test(`${file}: parameters as the chapter lists them`, { skip: !examples.includes(file) && `no ${file} yet` }, () => {
      const r = runJson(path.join(examplesDir, file));
      assert.equal(r.parameters.length, want.count, r.parameters.map((p) => p.name).join());
      assert.deepEqual([r.parameters[0]!.name, r.parameters[0]!.shape], want.first);
      assert.deepEqual([r.parameters.at(-1)!.name, r.parameters.at(-1)!.shape], want.last);
    });
  }

  test('rgnet: 18 parameters, the first (32, 20), the last (10,)', { skip: !example(/rgnet/) && 'no rgnet example yet' }, () => {
    const r = runJson(path.join(examplesDir, example(/rgnet/)!));
    assert.equal(r.parameters.length, 18);
    assert.deepEqual(r.parameters[0]!.shape, [32, 20]);
    assert.deepEqual(r.parameters.at(-1)!.shape, [10]);
    const text = cli('run', path.join(examplesDir, example(/rgnet/)!), '--input-shape', '2,20');
    assert.match(text.stdout, /\(32, 20\)/);
    assert.match(text.stdout, /\(10,\) +float32\n*$/);
  });

  test('the tied network lists the shared parameter once', { skip: !example(/tied|shar/) && 'no tied example yet' }, () => {
    const r = runJson(path.join(examplesDir, example(/tied|shar/)!));
    const names = r.parameters.map((p) => p.name);
    assert.equal(names.length, 6, names.join());
    assert.ok(!names.some((n) => n.startsWith('dense2_')), `the tied layer reuses dense1's parameters: ${names.join()}`);
  });
});

describe('blocksmith params', () => {
  test('lists names, shapes and dtypes of an .npz and an MXNet .params file', async () => {
    const tensor = (shape: number[]) => ({ dtype: 'float32' as const, shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) });
    const npz = path.join(work, 'w.npz');
    await writeArrayFile(npz, { dense0_weight: tensor([32, 20]), dense0_bias: tensor([32]) });
    const r = cli('params', npz);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /npz, 2 array\(s\)/);
    assert.match(r.stdout, /^ {2}dense0_weight +\(32, 20\) +float32$/m);
    const mx = path.join(work, 'legacy.params');
    await writeArrayFile(mx, { 'arg:fc1_weight': tensor([128, 784]), 'arg:fc1_bias': { dtype: 'float64', shape: [128], data: new Float64Array(128) } });
    const m = cli('params', mx);
    assert.equal(m.status, 0, m.stderr);
    assert.match(m.stdout, /mxnet, 2 array\(s\)/);
    assert.match(m.stdout, /^ {2}arg:fc1_bias +\(128,\) +float64$/m);
  });

  test("a file that is not an array file is the user's problem (exit 1)", async () => {
    const junk = path.join(work, 'junk.params');
    await writeFile(junk, 'not an array file at all');
    const r = cli('params', junk);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /E_FILE_/);
  });
});

describe('blocksmith validate', () => {
  test('a valid document exits 0', () => {
    const r = cli('validate', mlp);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /valid/);
  });

  test('a broken document: every problem with its place, exit 1', async () => {
    const doc = JSON.parse(await readFile(mlp, 'utf8'));
    doc.nodes[1].attrs.units = 0;
    doc.nodes.push({ id: 'h', kind: 'NoSuchLayer', name: 'dense0' });
    doc.edges.push({ id: 'e9', source: { node: 'o', port: 'output' }, target: { node: 'h', port: 'data' } });
    const file = path.join(work, 'broken.json');
    await writeFile(file, JSON.stringify(doc));
    const r = cli('validate', file);
    assert.equal(r.status, 1);
    const lines = r.stdout.split('\n').filter((l) => / E_[A-Z_]+/.test(l));
    assert.ok(lines.length >= 2, r.stdout);
    for (const line of lines) assert.match(line, /\((node|block|port|param|at) /, line);
    assert.match(r.stdout, /error\(s\)/);
  });
});

describe('exit codes for bad arguments', () => {
  const cases: [string, string[], RegExp][] = [
    ['no command', [], /usage/],
    ['unknown command', ['frobnicate'], /unknown command/],
    ['unknown option', ['run', mlp, '--bogus'], /Unknown option/],
    ['bad input shape', ['run', mlp, '--input-shape', '2,x'], /--input-shape/],
    ['bad seed', ['run', mlp, '--seed', '-1'], /--seed|argument/],
    ['missing document', ['run', 'does-not-exist.json'], /cannot read/],
    ['not JSON', ['validate', 'package-lock.json.nope'], /cannot read/],
    ['missing GPU', ['run', mlp, '--input-shape', '2,20', '--device', 'gpu:9'], /E_NO_CUDA|gpu:9/],
    ['bad device name', ['run', mlp, '--device', 'tpu'], /params\.device/],
    ['bad port', ['serve', '--port', '99999'], /--port/],
  ];
  for (const [what, args, message] of cases) {
    test(what, () => {
      const r = cli(...args);
      assert.equal(r.status, 1, `${what}: ${r.stderr}`);
      assert.match(r.stderr, message);
    });
  }
});

describe('blocksmith serve', () => {
  const built = existsSync(path.join(root, 'renderer/dist/index.html'));
  test('serves the editor and the engine API on loopback until SIGTERM', { skip: !built && 'renderer/dist is not built' }, async () => {
    const { spawn } = await import('node:child_process');
    const { connectWebSocket } = await import('../../engine/service/client.ts');
    const child = spawn(process.execPath, [path.join(root, 'scripts/blocksmith.mjs'), 'serve', '--port', '0'], {
      cwd: work,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<URL>((resolve, reject) => {
        let text = '';
        child.stdout.setEncoding('utf8');
        child.stdout.on('data', (chunk: string) => {
          text += chunk;
          const match = /Blocksmith editor: (\S+)/.exec(text);
          if (match) resolve(new URL(match[1]!));
        });
        child.once('exit', (code) => reject(new Error(`serve exited early with ${code}`)));
        setTimeout(() => reject(new Error('serve printed no URL')), 30000).unref();
      });
      assert.equal(url.hostname, '127.0.0.1');
      const token = url.searchParams.get('token')!;
      const client = connectWebSocket(`ws://127.0.0.1:${url.port}/api`, token, { origin: url.origin });
      assert.ok((await client.call('ping', {})).pid > 0);
      client.close();
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    }
  });
});
