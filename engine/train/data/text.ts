// A plain UTF-8 text as language-model data: the character vocabulary (every distinct code point,
// sorted, so the same text always gives the same ids), the text as ids, and windows of `window`
// characters whose targets are the next characters (the window shifted by one). Also the unigram
// entropy, the loss a model that ignores context cannot beat.

import { readFile } from 'node:fs/promises';
import { textErrors, unreadableFile } from './data-errors.ts';
import type { Dataset } from './dataset.ts';

export interface TextCorpus {
  readonly name: string;
  /** id → character. */
  readonly vocab: readonly string[];
  /** The whole text as ids. */
  readonly ids: Int32Array;
}

export interface TextWindows {
  /** count × window ids, row-major (inputs). */
  readonly inputs: Int32Array;
  /** count × window ids: each input position's next character. */
  readonly targets: Int32Array;
  readonly count: number;
  readonly window: number;
}

/** The corpus of a text (code points, not UTF-16 units, so any script works). */
export function textCorpus(text: string, name = 'text'): TextCorpus {
  const chars = Array.from(text);
  if (chars.length < 2) throw textErrors.tooShort(name);
  const vocab = [...new Set(chars)].sort();
  const index = new Map(vocab.map((c, i) => [c, i]));
  return { name, vocab, ids: Int32Array.from(chars, (c) => index.get(c)!) };
}

export async function readTextCorpus(path: string): Promise<TextCorpus> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw unreadableFile(path, e);
  }
  return textCorpus(text, path);
}

/** Every `stride`-th window of `window` ids and its next-character targets. */
export function textWindows(corpus: TextCorpus, window: number, stride = 1): TextWindows {
  if (!Number.isInteger(window) || window < 1) throw textErrors.window(corpus.name, window);
  const starts = Math.floor((corpus.ids.length - 1 - window) / stride) + 1;
  if (starts < 1) throw textErrors.shorterThanWindow(corpus.name, corpus.ids.length, window);
  const inputs = new Int32Array(starts * window);
  const targets = new Int32Array(starts * window);
  for (let w = 0; w < starts; w++) {
    inputs.set(corpus.ids.subarray(w * stride, w * stride + window), w * window);
    targets.set(corpus.ids.subarray(w * stride + 1, w * stride + window + 1), w * window);
  }
  return { inputs, targets, count: starts, window };
}

/**
 * The windows of a text as a classification data set with one label per position: features
 * (count, window) ids and labels (count, window) next-character ids, numClasses = the vocabulary.
 * A model maps them to (count, window, vocabulary) logits; softmax cross-entropy takes the last axis.
 */
export function textDataset(corpus: TextCorpus, window: number, stride = 1): Dataset {
  const w = textWindows(corpus, window, stride);
  return {
    name: corpus.name,
    features: Float32Array.from(w.inputs),
    featureShape: [window],
    labels: Float32Array.from(w.targets),
    labelShape: [window],
    length: w.count,
    task: 'classification',
    numClasses: corpus.vocab.length,
    vocab: corpus.vocab,
  };
}

/** −Σ p log p of the character frequencies, in nats (the cross-entropy of the best context-free model). */
export function unigramEntropy(corpus: TextCorpus): number {
  const counts = new Float64Array(corpus.vocab.length);
  for (const id of corpus.ids) counts[id]!++;
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / corpus.ids.length) * Math.log(c / corpus.ids.length);
  return h;
}

export const encodeText = (corpus: TextCorpus, text: string): number[] =>
  Array.from(text, (c) => {
    const id = corpus.vocab.indexOf(c);
    if (id < 0) throw textErrors.notInVocabulary(corpus.name, c);
    return id;
  });

export const decodeText = (corpus: TextCorpus, ids: readonly number[]): string => ids.map((i) => corpus.vocab[i] ?? '').join('');
