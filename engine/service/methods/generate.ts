// generateText: sampling from a document's trained character language model. The vocabulary
// (id → character) is the text file's the request names, else the one the document's latest text
// training run used; the context is the document's input length (its (N, T) input shape).
import type { Handler } from '../dispatcher.ts';
import { ServiceError } from '../../protocol/service-protocol.ts';
import { parseDevice } from '../device-name.ts';
import { readTextCorpus, type TextCorpus } from '../../train/data/text.ts';
import { generateText as sample } from '../../train/generate.ts';
import type { Session } from '../session.ts';
import { Rng } from '../../train/data/rng.ts';

/** Characters sampled between two cancellation points (and progress events). */
const CHUNK = 32;

/** The vocabulary of the document's most recent training run on text data, if any. */
function trainedVocabulary(session: Session, docId: string): { corpus: TextCorpus; window: number } | null {
  const runs = [...session.trainingRuns.values()].filter((r) => r.options.docId === docId && r.options.train.vocab);
  const run = runs.at(-1);
  if (!run) return null;
  const { train } = run.options;
  return { corpus: { name: train.name, vocab: train.vocab!, ids: new Int32Array(0) }, window: train.featureShape[0]! };
}

export const generateText: Handler<'generateText'> = async (params, ctx) => {
  const { entry, net } = ctx.session.model(params.docId);
  const trained = trainedVocabulary(ctx.session, params.docId);
  const corpus = params.textFile ? await readTextCorpus(params.textFile) : trained?.corpus;
  if (!corpus) {
    throw new ServiceError(
      'E_NO_VOCABULARY',
      `document '${params.docId}' has not been trained on text in this session: ` + 'give params.textFile, the text file whose characters are the vocabulary',
    );
  }
  const length = entry.document.input.shape[1] ?? -1;
  const context = length > 0 ? length : (trained?.window ?? 64);
  const device = parseDevice(entry.device, 'document.device');
  // In chunks that continue one random stream (the same text as one call), so a long request can
  // be cancelled and reports progress between chunks instead of holding the engine throughout.
  const rng = new Rng(params.seed ?? 0);
  let text = params.prompt;
  for (let done = 0; done < params.length; done += CHUNK) {
    await ctx.checkpoint();
    text = sample(net, corpus, { prompt: text, length: Math.min(CHUNK, params.length - done), temperature: params.temperature ?? 1, context, rng, device });
    ctx.progress(Math.min(params.length, done + CHUNK), params.length);
  }
  const prompt = Array.from(params.prompt).length;
  return {
    text,
    generated: Array.from(text).slice(prompt).join(''),
    vocabularySize: corpus.vocab.length,
    context,
    vocabularyFrom: corpus.name,
  };
};
