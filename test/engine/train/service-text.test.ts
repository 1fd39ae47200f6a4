// Text data and generation through the service, against a real engine process behind the web host:
// the char-transformer example trains on assets/text/tiny-tales.txt (a text data source) for a
// bounded number of steps until its loss is well below the text's unigram entropy — computed here
// from the character frequencies, the best a model without context can do — then generateText
// samples text of the requested length over the text's characters. A model whose Embedding does
// not fit the vocabulary is refused with its node named.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { connectedHost, errorOf, within } from '../../service/service-helpers.ts';
import type { TrainingStatus } from '../../../engine/protocol/training-config.ts';
import { pathsIn } from '../../../engine/service/path-policy.ts';
import { chainDocument } from '../support/chain-document.ts';

const TEXT = resolve('assets/text/tiny-tales.txt');
const connection = connectedHost();
const client = () => connection.client();

/** −Σ p ln p over the text's code points: written here, apart from the engine's unigramEntropy. */
function entropyOf(text: string): { entropy: number; characters: Set<string> } {
  const counts = new Map<string, number>();
  const chars = Array.from(text);
  for (const c of chars) counts.set(c, (counts.get(c) ?? 0) + 1);
  let entropy = 0;
  for (const n of counts.values()) entropy -= (n / chars.length) * Math.log(n / chars.length);
  return { entropy, characters: new Set(counts.keys()) };
}

function finished(runId: string): Promise<TrainingStatus> {
  return within(
    120_000,
    new Promise<TrainingStatus>((done) => {
      const off = client().on('training-finished', (e) => {
        if (e.runId === runId) {
          off();
          done(e);
        }
      });
    }),
    'waiting for training-finished',
  );
}

test('the char-transformer trains on a text file below its unigram entropy, then generates text', async () => {
  const { document } = await client().call('loadExample', { name: 'char-transformer' });
  const { docId } = await client().call('openDocument', { document });
  assert.equal((await errorOf(client().call('generateText', { docId, prompt: 'the ', length: 5 }))).code, 'E_NO_MODEL');
  // 4 epochs of 30 steps of 16 windows of 32 characters (the document's input length).
  const config = {
    data: { kind: 'text' as const, path: TEXT, stride: 2 },
    epochs: 4,
    batchSize: 16,
    trainSize: 480,
    validationSize: 64,
    seed: 0,
    optimizer: { name: 'adam' as const, learningRate: 0.01 },
    histogramBins: 0,
  };
  const started = await client().call('startTraining', { docId, config });
  assert.equal(started.totalSteps, 120);
  assert.equal(started.warnings, undefined, 'windows of 32 ids fit the input shape (-1, 32)');
  const status = await finished(started.runId);
  assert.equal(status.state, 'finished', JSON.stringify(status.error));

  const { entropy, characters } = entropyOf(readFileSync(TEXT, 'utf8'));
  const [first, , , last] = status.history;
  assert.ok(last!.trainLoss! < first!.trainLoss!, `the loss falls: ${first!.trainLoss} → ${last!.trainLoss}`);
  assert.ok(last!.trainLoss! < entropy - 0.3, `the last epoch's loss ${last!.trainLoss} should be well below the unigram entropy ${entropy.toFixed(3)}`);
  assert.ok(last!.validationLoss! < entropy, `validation loss ${last!.validationLoss} below the unigram entropy ${entropy}`);
  assert.ok(last!.trainAccuracy! > 0.3, `per-position accuracy ${last!.trainAccuracy}`);

  const out = await client().call('generateText', { docId, prompt: 'the ', length: 40, temperature: 0.8, seed: 1 });
  assert.equal(Array.from(out.generated).length, 40);
  assert.equal(out.text, `the ${out.generated}`);
  assert.equal(out.vocabularySize, characters.size);
  assert.equal(out.context, 32);
  assert.ok(
    Array.from(out.generated).every((c) => characters.has(c)),
    out.generated,
  );
  // Same seed, same text; the vocabulary can also come from the file named in the request.
  const again = await client().call('generateText', { docId, prompt: 'the ', length: 40, temperature: 0.8, seed: 1, textFile: TEXT });
  assert.equal(again.text, out.text);
  const bad = await errorOf(client().call('generateText', { docId, prompt: 'THE', length: 3 }));
  assert.equal(bad.code, 'E_DATA');
  assert.match(bad.message, /"T" is not in the vocabulary/);
  assert.equal((await errorOf(client().call('generateText', { docId, prompt: 'a', length: 3, temperature: 0 }))).code, 'E_BAD_REQUEST');
});

test('a text whose vocabulary does not fit the Embedding is refused, naming the node', async () => {
  const { document } = await client().call('loadExample', { name: 'char-transformer' });
  const doc = structuredClone(document) as { nodes: { id: string; kind: string; attrs?: Record<string, unknown> }[] };
  // The output Dense is tied to the Embedding's weight, so both change to stay a valid document.
  doc.nodes.find((n) => n.id === 'emb')!.attrs!['inputDim'] = 40;
  doc.nodes.find((n) => n.id === 'head')!.attrs!['units'] = 40;
  const { docId } = await client().call('openDocument', { document: doc });
  const config = { data: { kind: 'text' as const, path: TEXT }, epochs: 1, batchSize: 8, trainSize: 8, validationSize: 0 };
  const error = await errorOf(client().call('startTraining', { docId, config }));
  assert.equal(error.code, 'E_DATA');
  assert.match(error.message, /28 distinct characters but node 'emb' \(embedding0\) is an Embedding with inputDim 40: set its inputDim to 28/);
});

test("generateText's textFile is a path the allow-list checks", () => {
  assert.deepEqual(pathsIn({ docId: 'd', prompt: 'a', length: 1, textFile: '/etc/passwd' }), ['/etc/passwd']);
});

test('a model whose outputs are not one logit per character is refused, naming the node that makes them', async () => {
  const doc = chainDocument(
    [
      { kind: 'Embedding', name: 'embedding0', attrs: { inputDim: 28, outputDim: 8 } },
      { kind: 'Dense', name: 'dense0', attrs: { units: 10, flatten: false } },
    ],
    [-1, 16],
  );
  const { docId } = await client().call('openDocument', { document: doc });
  const config = { data: { kind: 'text' as const, path: TEXT }, epochs: 1, batchSize: 8, trainSize: 8, validationSize: 0 };
  const error = await errorOf(client().call('startTraining', { docId, config }));
  assert.equal(error.code, 'E_DATA');
  assert.match(error.message, /outputs shape \(2, 16, 10\) but text data needs one logit per character at every position, \(N, 16, 28\)/);
  assert.match(error.message, /node 'n1' \(dense0\) makes the output: give it 28 units/);
});
