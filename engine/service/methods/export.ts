// exportModel: the open document's model — with whatever values it holds (trained, set, loaded) —
// written as ONNX, code or a parameter file by engine/export. A document never run is built and
// initialized first; parameters still waiting for their first batch get it from runModel.
import { runModel } from '../../graph/index.ts';
import { exportModel as writeExport } from '../../export/export-model.ts';
import type { Handler } from '../dispatcher.ts';
import { parseDevice } from '../device-name.ts';
import { ensureModel } from '../model-builder.ts';

export const exportModel: Handler<'exportModel'> = async (params, ctx) => {
  const entry = ctx.session.get(params.docId);
  const model = entry.model ?? ensureModel(entry, { device: parseDevice(entry.document.device, 'document.device') });
  if (
    model.net
      .collectParams()
      .values()
      .some((p) => p.state !== 'initialized')
  )
    runModel(model, []);
  await ctx.checkpoint();
  return writeExport(model, {
    target: params.target,
    path: params.path,
    ...(params.keys ? { keys: params.keys } : {}),
    ...(params.engineImport ? { engineImport: params.engineImport } : {}),
  });
};
