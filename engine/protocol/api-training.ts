// The service methods about training in the engine: start, pause, resume, stop and follow a run,
// sample text from a trained character model, inspect a data file, list checkpoints. One method
// group of service-api.ts. Pure.
import { z } from 'zod';
import { method, zDocId, zPath, zRunId, zSeed } from './api-fields.ts';
import { zShape } from './service-values.ts';
import { zTrainingConfig, zTrainingStatus } from './training-config.ts';

export const trainingMethods = {
  startTraining: method(
    "Starts training the document's model in the engine and answers at once with the run's id; " +
      'progress comes as training-progress events (≤ 10/s), the end as training-finished. A seed rebuilds fresh parameters.',
    z.object({ docId: zDocId, config: zTrainingConfig }).strict(),
    z.object({
      runId: z.string(),
      totalSteps: z.number().int(),
      trainSize: z.number().int(),
      validationSize: z.number().int(),
      /** The step the run starts from: 0, or the checkpoint's step when resuming (resumeFrom). */
      step: z.number().int(),
      /** Things the person should know that do not stop the run (the data's shape differs from the document's input). */
      warnings: z.array(z.string()).optional(),
    }),
  ),

  pauseTraining: method('Pauses a run after its current step.', z.object({ runId: zRunId }).strict(), zTrainingStatus),

  resumeTraining: method('Resumes a paused run.', z.object({ runId: zRunId }).strict(), zTrainingStatus),

  stopTraining: method(
    'Stops a run after its current step, writes a checkpoint when the run has a checkpoint directory, and answers when it has stopped.',
    z.object({ runId: zRunId }).strict(),
    zTrainingStatus,
  ),

  trainingStatus: method(
    'Where a run stands: state, step, epoch, loss, metrics, history, last checkpoint.',
    z.object({ runId: zRunId }).strict(),
    zTrainingStatus,
  ),

  generateText: method(
    "Samples text from the document's trained character model: the prompt's characters go in, and each next character " +
      'is drawn from softmax(logits / temperature) at the last position, `length` times (the context is the last T characters, T the ' +
      "document's input length). The vocabulary is the text file's (`textFile`), by default the one the document last trained on. " +
      'Codes: E_NO_MODEL (train or run first), E_NO_VOCABULARY (no text given or trained on), E_DATA (a prompt character outside the vocabulary).',
    z
      .object({
        docId: zDocId,
        prompt: z.string().min(1).max(10_000),
        /** Characters to add after the prompt. */
        length: z.number().int().min(1).max(10_000),
        /** > 0 (default 1): below 1 sharpens the distribution, above 1 flattens it. */
        temperature: z.number().positive().max(100).optional(),
        seed: zSeed.optional(),
        /** The UTF-8 text whose characters are the vocabulary (as the data source of training). */
        textFile: zPath.optional(),
      })
      .strict(),
    z.object({
      /** The prompt followed by the sampled characters. */
      text: z.string(),
      /** The sampled characters alone. */
      generated: z.string(),
      vocabularySize: z.number().int(),
      /** The most characters the model saw at once. */
      context: z.number().int(),
      /** Where the vocabulary came from. */
      vocabularyFrom: z.string(),
    }),
  ),

  inspectDataFile: method(
    "What a training data file offers: a CSV's columns (header names, or indices without a header; only its first line is read), an .npz's arrays, an .npy's matrix.",
    z.object({ path: zPath, kind: z.enum(['csv', 'arrays']), delimiter: z.string().length(1).optional() }).strict(),
    z.object({
      path: z.string(),
      format: z.enum(['csv', 'npy', 'npz']),
      columns: z.array(z.string()),
      header: z.boolean(),
      arrays: z.array(z.object({ name: z.string(), shape: zShape, dtype: z.string() })),
    }),
  ),

  listCheckpoints: method(
    'The checkpoints in a directory (checkpoint-step<N>.npz, as runs write them), by step; a directory that does not exist yet has none.',
    z.object({ dir: zPath }).strict(),
    z.object({ dir: z.string(), checkpoints: z.array(z.object({ path: z.string(), step: z.number().int(), bytes: z.number().int(), modified: z.number() })) }),
  ),
} as const;
