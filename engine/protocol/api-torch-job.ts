// The service methods about PyTorch distributed jobs: export a job directory, read where it
// stands, start and stop torchrun on this machine. One method group of service-api.ts. Pure.
import { z } from 'zod';
import { method, zDocId, zPath } from './api-fields.ts';
import { zTrainingConfig } from './training-config.ts';
import { zJobProcess, zLrScaling, zTorchJobExport, zTorchJobProgress } from './torch-job.ts';

export const torchJobMethods = {
  exportTorchJob: method(
    "Writes the document's model and training settings as a PyTorch distributed (DDP) job directory: model.py, " +
      "train.py, the data, README.md with the torchrun commands. It starts from the model's values (a config seed: fresh ones).",
    z
      .object({
        docId: zDocId,
        config: zTrainingConfig,
        dir: zPath,
        scaleLr: zLrScaling.optional(),
        perProcessBatch: z.boolean().optional(),
        nprocPerNode: z.number().int().min(1).max(1024).optional(),
      })
      .strict(),
    zTorchJobExport,
  ),

  readTorchJob: method(
    'Where a PyTorch job stands, from its directory (metrics.jsonl and checkpoints/): status, per-step points, ' +
      'the latest checkpoint and summaries of its values (skipped when knownCheckpointStep is that checkpoint).',
    z.object({ dir: zPath, knownCheckpointStep: z.number().int().optional(), histogramBins: z.number().int().min(0).max(200).optional() }).strict(),
    zTorchJobProgress,
  ),

  startTorchJob: method(
    'Starts torchrun --standalone on this machine in a job directory (torchrun must be on PATH); resume: a checkpoint .npz or "latest".',
    z
      .object({
        dir: zPath,
        nprocPerNode: z.number().int().min(1).max(1024).optional(),
        resume: zPath.optional(),
        device: z.enum(['auto', 'cpu', 'cuda']).optional(),
      })
      .strict(),
    zJobProcess,
  ),

  stopTorchJob: method(
    'Stops the torchrun this engine started in a job directory; answers when it has exited (null: none was started).',
    z.object({ dir: zPath }).strict(),
    z.object({ process: zJobProcess.nullable() }),
  ),
} as const;
