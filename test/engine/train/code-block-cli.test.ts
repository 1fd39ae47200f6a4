// A new custom layer written as a code block, used as a user would from the CLI: a scaled
// residual x + alpha * dense(x) with alpha a learned parameter. Without --trust nothing runs;
// with it the document runs (its shape on the edge), trains on spirals (the loss falls), and
// exports: ONNX (traced) and PyTorch (translated inline, no stub).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chainDocument } from '../support/chain-document.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
let work: string;
let doc: string;

const SCALED_RESIDUAL = `// ScaledResidual: x + alpha * dense(x), alpha a learned scalar.
export const params = {
  weight: { shape: (x: number[]) => [x[x.length - 1], x[x.length - 1]], init: 'xavier' },
  bias: { shape: (x: number[]) => [x[x.length - 1]], init: 'zeros' },
  alpha: { shape: [1], init: ['constant', { value: 0.5 }] },
};

export function forward(self: Self, x: NDArray): NDArray {
  const dense = np.dot(x, self.weight.data()).add(self.bias.data());
  return x.add(self.alpha.data().mul(dense));
}
`;

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(root, 'scripts/blocksmith.mjs'), ...args], { encoding: 'utf8', timeout: 180000, cwd: work });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

before(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'blocksmith-code-cli-'));
  doc = path.join(work, 'residual.json');
  await writeFile(
    doc,
    JSON.stringify(
      chainDocument(
        [
          { kind: 'Dense', name: 'dense0', attrs: { units: 16, activation: 'relu' } },
          { kind: 'Code', name: 'residual0', attrs: { source: SCALED_RESIDUAL } },
          { kind: 'Dense', name: 'dense1', attrs: { units: 2 } },
        ],
        [-1, 2],
        { seed: 0, title: 'scaled residual on spirals' },
      ),
    ),
  );
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

test("without --trust the document's code does not run, and the message names the node", () => {
  for (const args of [
    ['run', doc],
    ['train', doc, '--data', 'spirals', '--epochs', '1'],
    ['export', doc, '--onnx', 'x.onnx'],
  ]) {
    const r = cli(...args);
    assert.equal(r.status, 1, `${args[0]}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /contains code \(residual0\).*--trust/);
  }
});

test('with --trust: runs with its shape on the edge, trains on spirals, exports to ONNX and PyTorch', () => {
  const run = cli('run', doc, '--json', '--trust', '--input-shape', '5,2');
  assert.equal(run.status, 0, run.stderr);
  const out = JSON.parse(run.stdout) as { edgeShapes: Record<string, number[]>; parameters: { name: string; shape: number[] }[] };
  assert.deepEqual(out.edgeShapes.e2, [5, 16]); // residual0 → dense1
  assert.deepEqual(
    out.parameters.filter((p) => p.name.startsWith('residual0_')).map((p) => [p.name, p.shape]),
    [
      ['residual0_weight', [16, 16]],
      ['residual0_bias', [16]],
      ['residual0_alpha', [1]],
    ],
  );

  const train = cli(
    'train',
    doc,
    '--data',
    'spirals',
    '--epochs',
    '8',
    '--optimizer',
    'adam',
    '--lr',
    '0.02',
    '--json',
    '--trust',
    '--save-params',
    'res.params',
  );
  assert.equal(train.status, 0, train.stderr);
  const status = JSON.parse(train.stdout) as { state: string; history: { trainLoss: number }[] };
  assert.equal(status.state, 'finished');
  assert.ok(status.history.at(-1)!.trainLoss < status.history[0]!.trainLoss * 0.9, JSON.stringify(status.history.map((h) => h.trainLoss)));

  const exp = cli('export', doc, '--trust', '--params', 'res.params', '--onnx', 'res.onnx', '--pytorch', 'res.py');
  assert.equal(exp.status, 0, exp.stderr);
  assert.doesNotMatch(exp.stdout, /STUB/);
  const py = readFileSync(path.join(work, 'res.py'), 'utf8');
  assert.match(py, /self\.residual0 = CodeParams\(\{'weight': \(16, 16\), 'bias': \(16,\), 'alpha': \(1,\)\}\)/);
  assert.match(py, /residual0 = \(dense0 \+ \(self\.residual0\.alpha \* \(torch\.matmul\(dense0, self\.residual0\.weight\) \+ self\.residual0\.bias\)\)\)/);
});
