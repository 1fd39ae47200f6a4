// `blocksmith export` as a user runs it (a child process, through the engine service): every
// target written, --params honoured, a weight file with its document used as the model, and a
// non-exportable node reported with exit code 1.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { np } from '../../../engine/index.ts';
import { loadExample, runModel } from '../../../engine/graph/index.ts';
import { readArrayFileInfo } from '../../../engine/io/array-file.ts';
import { exportParameters, openModelFile, prepareModel } from '../../../engine/export/index.ts';
import { maxRelativeError } from './relative-error.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const example = (name: string) => path.join(root, 'assets/examples', `${name}.json`);
let work: string;
before(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'blocksmith-export-cli-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(root, 'scripts/blocksmith.mjs'), ...args], { encoding: 'utf8', timeout: 120000, cwd: work });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('every target at once, parameters from --params: the files hold those values', async () => {
  // Parameters the CLI did not make: a trained-looking file written here with other values.
  const source = await prepareModel(loadExample('mlp'));
  for (const p of source.net.collectParams().values()) p.setData(np.random.uniform(-1, 1, p.data().shape, { seed: 21 }));
  const params = path.join(work, 'trained.npz');
  await exportParameters(source, params, 'npz');
  const out = (f: string) => path.join(work, f);
  const r = cli(
    'export',
    example('mlp'),
    '--params',
    params,
    '--onnx',
    out('mlp.onnx'),
    '--pytorch',
    out('mlp.py'),
    '--gluon',
    out('mlp_gluon.py'),
    '--typescript',
    out('mlp.ts'),
    '--safetensors',
    out('mlp.safetensors'),
    '--npz',
    out('mlp.npz'),
    '--mxnet',
    out('mlp.params'),
  );
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /wrote .*mlp\.onnx \(onnx, parameters from .*trained\.npz\)/);
  assert.match(r.stdout, /^ {2}hidden\.weight +\(256, 20\) +float32$/m); // .params: structural keys
  const x = np.random.uniform(0, 1, [2, 20], { seed: 4 });
  const expected = runModel(source, [x]).outputs[0]!.toTyped() as Float32Array;
  const session = await ort.InferenceSession.create(out('mlp.onnx'));
  const y = (await session.run({ data: new ort.Tensor('float32', x.toTyped() as Float32Array, [2, 20]) })).output!.data as Float32Array;
  assert.ok(maxRelativeError(y, expected) <= 1e-5);
  const opened = await openModelFile(out('mlp.safetensors'));
  assert.deepEqual(runModel(opened.model, [x]).outputs[0]!.toTyped(), expected);
  assert.deepEqual(Object.keys((await readArrayFileInfo(out('mlp.params'))).content), ['hidden.weight', 'hidden.bias', 'output.weight', 'output.bias']);
});

test('a .safetensors weight file with its document is a model: exported without the JSON', async () => {
  const st = path.join(work, 'rgnet.safetensors');
  assert.equal(cli('export', example('rgnet'), '--safetensors', st).status, 0);
  const onnx = path.join(work, 'rgnet.onnx');
  const r = cli('export', st, '--onnx', onnx, '--mxnet', path.join(work, 'rgnet.params'), '--gluon-names');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /parameters from .*rgnet\.safetensors/);
  assert.match(r.stdout, /^ {2}dense0_weight +\(32, 20\) +float32$/m);
  await ort.InferenceSession.create(onnx);
});

test('chimera: the FancyMLP code block is named and the exit code is 1; usage mistakes are 1 too', () => {
  const r = cli('export', example('chimera'), '--onnx', path.join(work, 'chimera.onnx'));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /E_EXPORT_UNSUPPORTED: node 'fancymlp0' \(Code, id fancy\) cannot be exported to ONNX: .*control flow/);
  assert.equal(cli('export', example('mlp')).status, 1);
  assert.match(cli('export', example('mlp')).stderr, /say what to write/);
  assert.equal(cli('export', path.join(work, 'missing.json'), '--onnx', 'x.onnx').status, 1);
});
