// The text data source and the character language-model examples: windows and next-character
// targets of a known text; the char-transformer example (Embedding → 2 encoder blocks → LayerNorm
// → Dense tied to the Embedding) trained briefly on assets/text/tiny-tales.txt gets its loss below
// the text's unigram entropy (what no context-free model can beat), and sampling from it runs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { autograd, np } from '../../../engine/index.ts';
import { buildModel, loadExample, runModel } from '../../../engine/graph/index.ts';
import { Adam, SoftmaxCrossEntropyLoss, Trainer } from '../../../engine/train/index.ts';
import { readTextCorpus, textCorpus, textWindows, unigramEntropy } from '../../../engine/train/data/text.ts';
import { Rng } from '../../../engine/train/data/rng.ts';
import { generateText } from '../../../engine/train/generate.ts';

test('a text becomes a sorted character vocabulary, windows and next-character targets', () => {
  const corpus = textCorpus('abcab');
  assert.deepEqual(corpus.vocab, ['a', 'b', 'c']);
  assert.deepEqual([...corpus.ids], [0, 1, 2, 0, 1]);
  const w = textWindows(corpus, 3);
  assert.equal(w.count, 2);
  assert.deepEqual([...w.inputs], [0, 1, 2, 1, 2, 0]);
  assert.deepEqual([...w.targets], [1, 2, 0, 2, 0, 1]);
  // Two equally frequent characters: ln 2 nats.
  assert.ok(Math.abs(unigramEntropy(textCorpus('abab')) - Math.log(2)) < 1e-12);
  assert.throws(() => textWindows(corpus, 5), /shorter than one window/);
});

test('char-transformer trains below the unigram entropy of its text, and samples text', async () => {
  const corpus = await readTextCorpus('assets/text/tiny-tales.txt');
  const doc = loadExample('char-transformer');
  assert.equal(corpus.vocab.length, doc.nodes.find((n) => n.kind === 'Embedding')!.attrs!.inputDim as number);
  const window = doc.input.shape[1]!;
  const data = textWindows(corpus, window, 3);
  np.random.seed(0);
  const model = buildModel(doc);
  runModel(model, []); // deferred shapes, initialization
  const net = model.net;
  // The tie holds: one parameter for the embedding and the output layer.
  const names = [...net.collectParams().keys()];
  assert.ok(names.includes('embedding0_weight') && !names.some((n) => n.startsWith('dense0_')), names.join(', '));
  const trainer = new Trainer(net.collectParams(), new Adam({ learningRate: 0.01 }));
  const loss = new SoftmaxCrossEntropyLoss();
  const rng = new Rng(1);
  const batch = 16;
  const losses: number[] = [];
  for (let step = 0; step < 120; step++) {
    const rows = Array.from({ length: batch }, () => rng.int(data.count));
    const take = (src: Int32Array) => rows.flatMap((r) => [...src.subarray(r * window, (r + 1) * window)]);
    const x = np.array(take(data.inputs), { dtype: 'int32' }).reshape([batch, window]);
    const y = np.array(take(data.targets)).reshape([batch, window]);
    const l = autograd.record(() => loss.call(net.call(x), y));
    l.backward();
    trainer.step(batch);
    losses.push(l.mean().item() as number);
  }
  const h = unigramEntropy(corpus);
  const last = losses.slice(-20).reduce((a, b) => a + b, 0) / 20;
  assert.ok(losses[0]! > h, `the untrained loss ${losses[0]} should be above the unigram entropy ${h}`);
  assert.ok(last < h - 0.2, `after 120 steps the loss ${last.toFixed(3)} should be well below the unigram entropy ${h.toFixed(3)}`);
  const text = generateText(net, corpus, { prompt: 'the ', length: 30, temperature: 0.8, context: window, seed: 3 });
  assert.equal(Array.from(text).length, 34);
  assert.ok(text.startsWith('the '));
  assert.ok(Array.from(text).every((c) => corpus.vocab.includes(c)));
});

test('sampling in pieces from one random stream gives the text of one call', () => {
  np.random.seed(0);
  const model = buildModel(loadExample('char-transformer'));
  runModel(model, []);
  // Any 28 characters: the example's vocabulary size.
  const corpus = textCorpus('abcd' + Array.from({ length: 24 }, (_, i) => String.fromCharCode(0x41 + i)).join(''));
  const whole = generateText(model.net, corpus, { prompt: 'ab', length: 12, seed: 5, context: 32 });
  const rng = new Rng(5);
  const first = generateText(model.net, corpus, { prompt: 'ab', length: 5, rng, context: 32 });
  const pieces = generateText(model.net, corpus, { prompt: first, length: 7, rng, context: 32 });
  assert.equal(pieces, whole);
  assert.equal(Array.from(whole).length, 14);
});
