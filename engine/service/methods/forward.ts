// forward: one pass through the document's model, with random input of a given shape (the
// chapter's np.random.uniform(size=(2, 20))), of the document's input spec, or with the caller's
// data, on a chosen device (default: the document's).
import { np, type NDArray } from '../../index.ts';
import { runModel } from '../../graph/index.ts';
import type { Handler } from '../dispatcher.ts';
import { deviceName, parseDevice } from '../device-name.ts';
import { ensureModel } from '../model-builder.ts';
import { briefs } from '../model-parameters.ts';
import { ndarrayToWire, wireToNDArray } from '../tensor-wire.ts';

const DEFAULT_MAX_VALUES = 10000;

export const forward: Handler<'forward'> = async (params, ctx) => {
  const entry = ctx.session.get(params.docId);
  const device = parseDevice(params.device ?? entry.document.device, params.device ? 'params.device' : 'document.device');
  const model = ensureModel(entry, { device, seed: params.seed, rebuild: params.rebuild });
  let inputs: NDArray[];
  if (params.input) {
    inputs = params.input.map((t, i) => wireToNDArray(t, device, `params.input.${i}`));
  } else {
    // No shape given: the graph layer draws seeded random input of the document's input spec.
    inputs = params.inputShape ? [np.random.uniform(0, 1, params.inputShape, { device })] : [];
  }
  await ctx.checkpoint();
  const started = performance.now();
  const { outputs, edgeShapes } = runModel(model, inputs);
  const maxValues = params.maxValues ?? DEFAULT_MAX_VALUES;
  return {
    outputs: outputs.map((o) => ndarrayToWire(o, maxValues)),
    edgeShapes,
    parameters: briefs(model.net),
    device: deviceName(device),
    seconds: (performance.now() - started) / 1000,
  };
};
