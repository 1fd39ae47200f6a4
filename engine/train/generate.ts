// Sampling text from a character language model: the prompt's ids go in, the last position's
// logits (divided by the temperature) pick the next character, which is appended; repeated for
// `length` characters. The model maps (1, T) ids to (1, T, V) logits (the char-transformer and
// char-lstm examples); the context is cut to its last `context` characters.

import type { Block } from '../nn/block.ts';
import type { Device } from '../ndarray/device.ts';
import { np } from '../ndarray/np.ts';
import { npx } from '../ndarray/npx.ts';
import { Rng } from './data/rng.ts';
import { decodeText, encodeText, type TextCorpus } from './data/text.ts';
import { trainingErrors } from './train-errors.ts';

export interface GenerateOptions {
  prompt: string;
  /** Characters to add. */
  length: number;
  /** > 0; lower = more likely characters, 1 = the model's distribution. */
  temperature?: number;
  /** The longest context fed to the model (its positional table's length). */
  context?: number;
  seed?: number;
  /** The random stream to draw from (default: a fresh one from `seed`): one stream over several calls continues them exactly. */
  rng?: Rng;
  /** Where the model's parameters live (default: the CPU). */
  device?: Device;
}

/** The prompt followed by `length` sampled characters. */
export function generateText(model: Block, corpus: TextCorpus, options: GenerateOptions): string {
  const temperature = options.temperature ?? 1;
  if (!(temperature > 0)) throw trainingErrors.temperature(temperature);
  const context = options.context ?? 64;
  const rng = options.rng ?? new Rng(options.seed ?? 0);
  const ids = encodeText(corpus, options.prompt);
  if (ids.length === 0) throw trainingErrors.emptyPrompt();
  for (let k = 0; k < options.length; k++) {
    const window = ids.slice(-context);
    const x = np.array(window, { dtype: 'int32', ...(options.device ? { device: options.device } : {}) }).reshape([1, window.length]);
    const logits = model.call(x);
    const last = logits.get(0, window.length - 1).div(temperature);
    const probs = npx.softmax(last, -1);
    const p = probs.toTyped() as Float32Array;
    for (const a of [x, logits, last, probs]) a.dispose();
    let u = rng.next();
    let next = p.length - 1;
    for (let i = 0; i < p.length; i++) {
      u -= p[i]!;
      if (u <= 0) {
        next = i;
        break;
      }
    }
    ids.push(next);
  }
  return decodeText(corpus, ids);
}
