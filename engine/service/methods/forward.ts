// forward: one pass through the document's model, with random input of a given shape (the
// chapter's np.random.uniform(size=(2, 20))), of the document's input spec, with the caller's
// data, or with an array read from a file (loadArrays' formats), on a chosen device (default: the
// document's).
import type { NDArray } from '../../index.ts';
import { readArrayFileInfo } from '../../io/array-file.ts';
import { isHostTensor, type HostTensor } from '../../io/host-tensor.ts';
import { fromHostTensor } from '../../io/ndarray-files.ts';
import type { MethodResult } from '../../protocol/service-api.ts';
import { serviceErrors } from '../service-errors.ts';
import { runModel } from '../../graph/index.ts';
import { sampleInput } from '../../graph/run.ts';
import { beforeEagerRun } from '../../graph/compiled-run.ts';
import type { DType } from '../../ndarray/dtype.ts';
import type { Handler } from '../dispatcher.ts';
import { deviceName, parseDevice } from '../device-name.ts';
import { ensureModel, releaseModel } from '../model-builder.ts';
import { briefs } from '../model-parameters.ts';
import { tableRows } from './parameters.ts';
import { ndarrayToWire, wireToNDArray } from '../tensor-wire.ts';
import { hasAttentionLayers, withAttentionMaps, type AttentionMap } from '../attention-maps.ts';

const DEFAULT_MAX_VALUES = 10000;

export const forward: Handler<'forward'> = async (params, ctx) => {
  const entry = ctx.session.get(params.docId);
  const device = parseDevice(params.device ?? entry.document.device, params.device ? 'params.device' : 'document.device');
  const fresh = !entry.model || params.rebuild === true || params.seed !== undefined;
  const model = ensureModel(entry, { device, seed: params.seed, rebuild: params.rebuild });
  let inputs: NDArray[];
  let input: MethodResult<'forward'>['input'];
  if (params.input) {
    inputs = params.input.map((t, i) => wireToNDArray(t, device, `params.input.${i}`));
    input = { source: 'given', shapes: inputs.map((a) => [...a.shape]) };
  } else if (params.inputFile) {
    const { path, name, tensor } = await inputFromFile(params.inputFile.path, params.inputFile.name);
    // A layer without inUnits takes its size from the first input it sees, so an array that does
    // not fit the document's input shape would build a different model (a (256, 20) weight where
    // the canvas shows 784 features) and keep it for later runs and training: refuse it instead.
    const spec = entry.document.input.shape;
    if (tensor.shape.length !== spec.length || spec.some((d, i) => d !== -1 && d !== tensor.shape[i])) {
      throw serviceErrors.inputFileShape(path, name, tensor.shape, spec);
    }
    // numpy writes float64 by default; a float file array takes the document's float input dtype
    // (as the chapter's float32 models expect) instead of failing in the first layer.
    const want = entry.document.input.dtype;
    const array = fromHostTensor(tensor, device);
    const floats = ['float32', 'float64'];
    inputs = [want && want !== array.dtype && floats.includes(want) && floats.includes(array.dtype) ? array.astype(want as 'float32' | 'float64') : array];
    input = { source: 'file', shapes: [[...tensor.shape]], path, name };
  } else {
    // No shape given: the graph layer draws seeded random input of the document's input spec.
    inputs = params.inputShape ? [sampleInput(params.inputShape, (entry.document.input.dtype ?? 'float32') as DType).asInContext(device)] : [];
    if (params.inputShape) input = { source: 'random', shapes: [[...params.inputShape]] };
  }
  await ctx.checkpoint();
  const started = performance.now();
  const maxValues = params.maxValues ?? DEFAULT_MAX_VALUES;
  let ran: ReturnType<typeof runModel>;
  let attention: AttentionMap[] | null = null;
  try {
    // Attention maps need each layer to run eagerly (its weights are kept on the way); otherwise the
    // compiled plan once this model ran eagerly at this signature.
    if (params.attention && hasAttentionLayers(model)) {
      // The compiled plan covers attention layers now: a model hybridized by an earlier run steps back to eager.
      beforeEagerRun(model);
      ({ result: ran, maps: attention } = withAttentionMaps(model, maxValues, () => runModel(model, inputs)));
    } else ran = runModel(model, inputs, { compiled: true });
  } catch (error) {
    // A model that failed its first forward keeps nothing: its parameters are freed now.
    if (fresh) releaseModel(entry, model);
    throw error;
  }
  const { outputs, edgeShapes } = ran;
  const seconds = (performance.now() - started) / 1000;
  const parameterRows = params.parameterTable ? await tableRows(model.net, params.parameterTable, ctx) : undefined;
  return {
    outputs: outputs.map((o) => ndarrayToWire(o, maxValues)),
    edgeShapes,
    parameters: briefs(model.net),
    device: deviceName(device),
    seconds,
    ...(input ? { input } : {}),
    ...(attention ? { attention } : {}),
    ...(parameterRows ? { parameterRows } : {}),
  };
};

/** The named array of an array file (or its first one), as the model's input. */
async function inputFromFile(path: string, name: string | undefined): Promise<{ path: string; name: string; tensor: HostTensor }> {
  const { content } = await readArrayFileInfo(path);
  const pairs: [string, HostTensor][] = isHostTensor(content)
    ? [['0', content]]
    : Array.isArray(content)
      ? content.map((t, i) => [String(i), t])
      : Object.entries(content);
  if (pairs.length === 0) throw serviceErrors.inputFileEmpty(path);
  const found = name === undefined ? pairs[0] : pairs.find(([n]) => n === name);
  if (!found) {
    throw serviceErrors.inputFileNoArray(
      path,
      name,
      pairs.map(([n]) => n),
    );
  }
  return { path, name: found[0], tensor: found[1] };
}
