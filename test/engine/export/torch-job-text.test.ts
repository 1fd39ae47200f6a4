// The PyTorch training job on a text source (docs/distributed.md), run in real PyTorch (Debian's
// python3-torch, CPU, gloo): the char-lstm example exported with `blocksmith export --torch-job`
// on a small text whose characters test the vocabulary's order (é, ﬁ, an emoji beyond U+FFFF,
// CRLF line ends). One process reaches Blocksmith's per-epoch loss and per-position accuracy;
// torchrun with two processes trains on both ranks; the checkpoint opens in Blocksmith, its forward
// equals PyTorch's, and `blocksmith generate` on it (vocabulary from the text file, as the editor's
// Generate takes it) writes what PyTorch's greedy decoding with the job's vocabulary writes.
// A model whose Embedding does not fit the text is refused at export; a job whose text file changed
// refuses to start. Skipped, with the reason printed, where /usr/bin/python3 has no torch.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cpu, np } from '../../../engine/index.ts';
import { buildModel, parseDocument, runModel } from '../../../engine/graph/index.ts';
import { openModelFile } from '../../../engine/export/index.ts';
import { exportTorchJob } from '../../../engine/export/torch-job/torch-job.ts';
import { writeArrayFile } from '../../../engine/io/array-file.ts';
import { prepareRun } from '../../../engine/train/index.ts';
import { zTrainingConfig, type TrainingConfigInput } from '../../../engine/protocol/training-config.ts';
import { maxRelativeError } from './relative-error.ts';
import { ENV, epochsOf, hasTorch, metrics, python, PYTHON, root, skip, TORCHRUN } from './torch-job-helpers.ts';

let work: string;
let job: string;
let textFile: string;
/** The text: the shipped tales and a line whose characters JavaScript and Python sort differently. */
const TEXT = `${readFileSync(path.join(root, 'assets/text/tiny-tales.txt'), 'utf8')}\r\nle café ﬁnal 😀 naïve…\r\n`;
/** Its distinct code points, counted here (not by the engine). */
const VOCAB_SIZE = new Set(Array.from(TEXT)).size;

/** char-lstm with an Embedding and an output layer the size of the text's vocabulary. */
function lstmDocument(): unknown {
  const doc = JSON.parse(readFileSync(path.join(root, 'assets/examples/char-lstm.json'), 'utf8')) as {
    nodes: { id: string; attrs?: Record<string, unknown> }[];
  };
  doc.nodes.find((n) => n.id === 'emb')!.attrs!['inputDim'] = VOCAB_SIZE;
  doc.nodes.find((n) => n.id === 'head')!.attrs!['units'] = VOCAB_SIZE;
  return doc;
}
const documentJson = lstmDocument();

const config = (): TrainingConfigInput => ({
  data: { kind: 'text', path: textFile, stride: 2 },
  trainSize: 256,
  validationSize: 64,
  epochs: 2,
  batchSize: 16,
  seed: 0,
  optimizer: { name: 'adam', learningRate: 0.01 },
});

const cli = (...args: string[]) => execFileSync(process.execPath, [path.join(root, 'scripts/blocksmith.mjs'), ...args], { encoding: 'utf8', timeout: 120_000 });

before(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'blocksmith-torch-job-text-'));
  job = path.join(work, 'job');
  textFile = path.join(work, 'tales.txt');
  await writeFile(textFile, TEXT);
  await writeFile(path.join(work, 'doc.json'), JSON.stringify(documentJson));
  await writeFile(path.join(work, 'config.json'), JSON.stringify(config()));
  if (hasTorch) cli('export', path.join(work, 'doc.json'), '--torch-job', job, '--train-config', path.join(work, 'config.json'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

test('the job references the text by path and records its vocabulary and windows', { skip }, async () => {
  const written = JSON.parse(await readFile(path.join(job, 'job.json'), 'utf8')) as {
    data: Record<string, unknown>;
    feature_shape: number[];
    label_shape: number[];
  };
  assert.equal(written.data['kind'], 'text');
  // The window is the document's input length (32), as Blocksmith's own run takes it.
  assert.deepEqual(written.data['source'], { kind: 'text', path: textFile, stride: 2, window: 32 });
  assert.equal((written.data['vocab'] as string[]).length, VOCAB_SIZE);
  assert.deepEqual(written.feature_shape, [32]);
  assert.deepEqual(written.label_shape, [32]);
  assert.ok((await readFile(path.join(job, 'README.md'), 'utf8')).includes(`--text ${textFile}`), 'the README says how Generate finds the vocabulary');
});

test("one process, same seed: each epoch's loss and per-position accuracy are Blocksmith's", { skip }, async () => {
  const out = path.join(work, 'single');
  python(['train.py', '--out', out], job);
  const theirs = epochsOf(await metrics(out));
  const model = buildModel(parseDocument(documentJson).document!, { seed: 0 });
  runModel(model, []);
  const run = await prepareRun(model.net, zTrainingConfig.parse(config()), {
    device: cpu(),
    seed: 0,
    inputShape: model.document.input.shape,
    document: model.document,
  });
  const ours = (await run.start()).history;
  assert.equal(theirs.length, 2);
  const off = (a: number | null, b: number | null) => Math.abs(a! - b!) / b!;
  for (const [i, e] of theirs.entries()) {
    // Same windows, split, batches and Adam: only float rounding differs (measured: 7 digits).
    assert.ok(off(e.trainLoss, ours[i]!.trainLoss) < 1e-3, `epoch ${i} train loss: job ${e.trainLoss}, Blocksmith ${ours[i]!.trainLoss}`);
    assert.ok(
      off(e.validationLoss, ours[i]!.validationLoss) < 1e-3,
      `epoch ${i} validation loss: job ${e.validationLoss}, Blocksmith ${ours[i]!.validationLoss}`,
    );
    assert.ok(
      Math.abs(e.trainAccuracy! - ours[i]!.trainAccuracy!) <= 0.002,
      `epoch ${i} accuracy: job ${e.trainAccuracy}, Blocksmith ${ours[i]!.trainAccuracy}`,
    );
    assert.ok(Math.abs(e.validationAccuracy! - ours[i]!.validationAccuracy!) <= 0.002);
  }
  assert.ok(theirs[1]!.trainLoss! < theirs[0]!.trainLoss!, 'the loss falls');
});

test('torchrun --nproc_per_node=2: both ranks train; the checkpoint is the model, and Generate works on it', { skip }, async () => {
  const [cmd, ...pre] = TORCHRUN;
  const r = spawnSync(cmd!, [...pre, '--standalone', '--nproc_per_node=2', '--redirects', '1', '--tee', '1', 'train.py', '--epochs', '1'], {
    cwd: job,
    env: ENV,
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(r.status, 0, `torchrun failed:\n${r.stdout}\n${r.stderr}`);
  const lines = await metrics(job);
  assert.equal(lines[0]!.worldSize, 2);
  const [epoch] = epochsOf(lines);
  assert.deepEqual(epoch!.samplesPerRank, [128, 128], 'each rank trains 8 of every 16 windows');
  assert.ok(Number.isFinite(epoch!.trainLoss) && epoch!.trainAccuracy! > 0);

  const ckpt = path.join(job, 'checkpoints', 'checkpoint-step16.safetensors');
  const { document, model } = await openModelFile(ckpt);
  assert.deepEqual(document, parseDocument(documentJson).document, 'the embedded document is the exported one');
  // Blocksmith's forward of the checkpoint = PyTorch's forward of model.py with the same file.
  const ids = Float32Array.from({ length: 3 * 32 }, (_, i) => (i * 7 + 3) % VOCAB_SIZE);
  await writeArrayFile(path.join(work, 'x.npy'), { dtype: 'float32', shape: [3, 32], data: ids });
  const script =
    'import sys, json, numpy as np, torch\nsys.path.insert(0, sys.argv[1])\nimport model as m\n' +
    'net = m.load_safetensors(m.Net(), sys.argv[2]).eval()\nwith torch.no_grad():\n' +
    '    print(json.dumps(net(torch.from_numpy(np.load(sys.argv[3]))).reshape(-1).tolist()))\n';
  const torchOut = JSON.parse(python(['-c', script, job, ckpt, path.join(work, 'x.npy')], work)) as number[];
  const ours = runModel(model, [np.array(ids, { shape: [3, 32] })]).outputs[0]!.toTyped() as Float32Array;
  assert.equal(ours.length, 3 * 32 * VOCAB_SIZE);
  assert.ok(maxRelativeError(ours, torchOut) < 1e-4, `forward differs: ${maxRelativeError(ours, torchOut)}`);

  // Generate as Blocksmith does it (the vocabulary from the text file), nearly greedy, against
  // PyTorch's greedy decoding with the vocabulary the job built from the same file.
  const answer = JSON.parse(
    cli(
      'generate',
      path.join(job, 'document.json'),
      '--params',
      ckpt,
      '--text',
      textFile,
      '--prompt',
      'the ',
      '--length',
      '12',
      '--temperature',
      '0.001',
      '--json',
    ),
  ) as { generated: string; vocabularySize: number };
  assert.equal(answer.vocabularySize, VOCAB_SIZE);
  const greedy =
    'import sys, json, torch\nsys.path.insert(0, sys.argv[1])\nimport model as m, blocksmith_job as bj\n' +
    "job = bj.read_job()\nchars = list(open(job['data']['source']['path'], 'rb').read().decode('utf-8'))\n" +
    "vocab = bj.text_vocabulary(chars)\nids = [vocab.index(c) for c in 'the ']\n" +
    'net = m.load_safetensors(m.Net(), sys.argv[2]).eval()\nwith torch.no_grad():\n' +
    '    for _ in range(12):\n' +
    '        ids.append(int(net(torch.tensor([ids[-32:]]))[0, -1].argmax()))\n' +
    "print(json.dumps(''.join(vocab[i] for i in ids[4:])))\n";
  assert.equal(answer.generated, JSON.parse(python(['-c', greedy, job, ckpt], job)) as string);
});

test("the char-transformer (attention, Dense tied to the Embedding, cosine schedule) on the shipped text: one epoch is Blocksmith's", { skip }, async () => {
  const doc = JSON.parse(readFileSync(path.join(root, 'assets/examples/char-transformer.json'), 'utf8')) as unknown;
  const build = () => {
    const m = buildModel(parseDocument(doc).document!, { seed: 3 });
    runModel(m, []);
    return m;
  };
  const conf = zTrainingConfig.parse({
    ...config(),
    data: { kind: 'text', path: path.join(root, 'assets/text/tiny-tales.txt') },
    epochs: 1,
    seed: 3,
    schedule: { kind: 'cosine' },
  });
  const dir = path.join(work, 'transformer-job');
  const report = await exportTorchJob(build(), conf, dir);
  assert.equal(report.modelClass, 'CharTransformer', "the model's class, not a helper module defined before it");
  python(['train.py'], dir);
  const [theirs] = epochsOf(await metrics(dir));
  const model = build();
  const run = await prepareRun(model.net, conf, { device: cpu(), seed: 3, inputShape: model.document.input.shape, document: model.document });
  const [ours] = (await run.start()).history;
  assert.ok(Math.abs(theirs!.trainLoss! - ours!.trainLoss!) < 1e-3 * ours!.trainLoss!, `train loss: job ${theirs!.trainLoss}, Blocksmith ${ours!.trainLoss}`);
  assert.ok(Math.abs(theirs!.validationLoss! - ours!.validationLoss!) < 1e-3 * ours!.validationLoss!);
  assert.ok(Math.abs(theirs!.trainAccuracy! - ours!.trainAccuracy!) <= 0.002);
});

test("an Embedding that does not fit the text's vocabulary is refused at export, naming the node", async () => {
  const doc = JSON.parse(readFileSync(path.join(root, 'assets/examples/char-lstm.json'), 'utf8')) as unknown; // inputDim 28
  const model = buildModel(parseDocument(doc).document!, { seed: 0 });
  runModel(model, []);
  await assert.rejects(
    exportTorchJob(model, zTrainingConfig.parse(config()), path.join(work, 'refused')),
    (e: Error) => e.message.includes(`the text has ${VOCAB_SIZE} distinct characters`) && e.message.includes("node 'emb'"),
  );
});

test('a job whose text file changed since the export refuses to start', { skip }, async () => {
  const changed = path.join(work, 'changed.txt');
  await writeFile(changed, TEXT);
  const conf = zTrainingConfig.parse({ ...config(), data: { kind: 'text', path: changed, stride: 2 } });
  const model = buildModel(parseDocument(documentJson).document!, { seed: 0 });
  runModel(model, []);
  const dir = path.join(work, 'changed-job');
  await exportTorchJob(model, conf, dir);
  await writeFile(changed, `${TEXT}#`);
  const r = spawnSync(PYTHON, ['train.py'], { cwd: dir, env: ENV, encoding: 'utf8', timeout: 60_000 });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /are not the \d+ the job was exported with .*export the job again/);
});
