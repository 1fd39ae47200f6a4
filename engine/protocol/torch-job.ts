// The values of the PyTorch training-job methods (exportTorchJob, readTorchJob, startTorchJob,
// stopTorchJob), defined once (zod, pure): api-torch-job.ts uses them, the renderer may import them.
import { z } from 'zod';
import { zParameterSummary, zTrainingStatus } from './training-config.ts';

export const zLrScaling = z.enum(['none', 'linear', 'sqrt']);

export const zJobProcess = z.object({
  running: z.boolean(),
  pid: z.number().int().nullable(),
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  command: z.string(),
  /** Stopped through stopTorchJob (not a failure, whatever torchrun's exit code). */
  stopped: z.boolean(),
  /** The last few thousand characters of torchrun's output. */
  output: z.string(),
});
export type JobProcess = z.infer<typeof zJobProcess>;

export const zTorchJobExport = z.object({
  dir: z.string(),
  files: z.array(z.string()),
  modelClass: z.string(),
  trainSize: z.number().int(),
  validationSize: z.number().int(),
  /** How to run it here, from the job directory. */
  command: z.string(),
  /** torchrun on the engine's PATH (null: the job can only be exported for a cluster). */
  torchrun: z.string().nullable(),
});
export type TorchJobExport = z.infer<typeof zTorchJobExport>;

export const zTorchJobProgress = z.object({
  dir: z.string(),
  /** False until the job has written its first metrics line. */
  started: z.boolean(),
  /** The job as a training status (runId `job:<dir>`): the same charts and readouts as a run in the engine. */
  status: zTrainingStatus,
  worldSize: z.number().int().nullable(),
  /** Per-step running loss / accuracy of the epoch, as rank 0 logged them (the latest 5,000). */
  steps: z.array(z.object({ step: z.number().int(), loss: z.number().nullable(), accuracy: z.number().nullable() })),
  /** The latest checkpoint: the .safetensors model file and the .npz training checkpoint beside it. */
  checkpoint: z.object({ step: z.number().int(), path: z.string(), resume: z.string().nullable() }).nullable(),
  /** Summaries of the latest checkpoint's values; empty when it is the one the caller already knows. */
  parameters: z.array(zParameterSummary),
  process: zJobProcess.nullable(),
});
export type TorchJobProgress = z.infer<typeof zTorchJobProgress>;
