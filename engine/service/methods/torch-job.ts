// PyTorch training jobs through the service: export one from an open document, follow a job's
// directory (local, or synced from a cluster), and start / stop torchrun on this machine.
import { buildModel, runModel } from '../../graph/index.ts';
import { exportTorchJob as writeJob } from '../../export/torch-job/torch-job.ts';
import { readJobProgress } from '../../export/torch-job/job-follow.ts';
import { findTorchrun, startJob, stopJob } from '../../export/torch-job/job-launch.ts';
import type { Handler } from '../dispatcher.ts';

export const exportTorchJob: Handler<'exportTorchJob'> = async (params, ctx) => {
  const entry = ctx.session.get(params.docId);
  const { config } = params;
  // Like Start in the editor: a seed means fresh parameters from it, else the values the model
  // holds. Built apart from the session's model, so exporting never disturbs it (or a run on it).
  const model = config.seed === undefined && entry.model ? entry.model : buildModel(entry.document, { seed: config.seed ?? entry.document.seed });
  if (
    model.net
      .collectParams()
      .values()
      .some((p) => p.state !== 'initialized')
  )
    runModel(model, []);
  await ctx.checkpoint();
  const report = await writeJob(model, config, params.dir, {
    ...(params.scaleLr ? { scaleLr: params.scaleLr } : {}),
    ...(params.perProcessBatch !== undefined ? { perProcessBatch: params.perProcessBatch } : {}),
    ...(params.nprocPerNode ? { nprocPerNode: params.nprocPerNode } : {}),
  });
  return { ...report, torchrun: await findTorchrun() };
};

export const readTorchJob: Handler<'readTorchJob'> = (params) =>
  readJobProgress(params.dir, {
    ...(params.knownCheckpointStep !== undefined ? { knownCheckpointStep: params.knownCheckpointStep } : {}),
    ...(params.histogramBins !== undefined ? { histogramBins: params.histogramBins } : {}),
  });

export const startTorchJob: Handler<'startTorchJob'> = (params) =>
  startJob(params.dir, {
    ...(params.nprocPerNode ? { nprocPerNode: params.nprocPerNode } : {}),
    ...(params.resume ? { resume: params.resume } : {}),
    ...(params.device ? { device: params.device } : {}),
  });

export const stopTorchJob: Handler<'stopTorchJob'> = async (params) => ({ process: await stopJob(params.dir) });
