// The parameter panel's methods: the table (with statistics), one parameter's values (a slice,
// its histogram, summary statistics), overwriting values, and (re)initialization.
import { np, type Parameter } from '../../index.ts';
import type { MethodResult, ParsedParams } from '../../schema/service-api.ts';
import { ServiceError } from '../../schema/service-protocol.ts';
import type { Handler, RequestContext } from '../dispatcher.ts';
import { parseDevice } from '../device-name.ts';
import { ensureModel } from '../model-builder.ts';
import { describeInit, findParam, uniqueParams } from '../model-parameters.ts';
import { histogram, sliceBox, summaryStats, tensorToWire, wireToNDArray } from '../tensor-wire.ts';

const DEFAULT_BINS = 30;
const DEFAULT_MAX_VALUES = 10000;

function hostData(p: Parameter) {
  return p.data(p.listDevices()[0]).toTyped();
}

export const parameterTable: Handler<'parameterTable'> = async (params, ctx) => {
  const { net } = ctx.session.model(params.docId);
  const rows = [];
  for (const { name, param, tiedTo } of uniqueParams(net)) {
    const withStats = params.statistics !== false && param.state === 'initialized';
    rows.push({
      name,
      shape: param.shape,
      dtype: param.dtype,
      state: param.state,
      initializer: describeInit(param.init),
      tiedTo,
      gradReq: param.gradReq,
      stats: withStats ? summaryStats(hostData(param)) : null,
    });
    await ctx.checkpoint();
  }
  return { parameters: rows };
};

export const parameterValues: Handler<'parameterValues'> = (params, ctx) => {
  const { net } = ctx.session.model(params.docId);
  const p = findParam(net, params.name);
  const array = p.data(p.listDevices()[0]);
  const shape = [...array.shape];
  const data = array.toTyped();
  const ranges = params.slice ?? [];
  if (ranges.length > shape.length) {
    throw new ServiceError('E_BAD_REQUEST', `params.slice: ${ranges.length} ranges for a parameter of rank ${shape.length}`);
  }
  const start: number[] = [];
  const boxShape: number[] = [];
  shape.forEach((dim, axis) => {
    const r = ranges[axis] ?? {};
    const from = Math.min(r.start ?? 0, dim);
    const to = Math.min(Math.max(r.stop ?? dim, from), dim);
    start.push(from);
    boxShape.push(to - from);
  });
  const box = sliceBox(data, shape, start, boxShape);
  return {
    name: params.name,
    shape,
    dtype: array.dtype,
    slice: { start, shape: boxShape },
    values: tensorToWire(boxShape, array.dtype, box, params.maxValues ?? DEFAULT_MAX_VALUES),
    stats: summaryStats(data),
    histogram: histogram(data, params.bins ?? DEFAULT_BINS),
  };
};

export const setParameter: Handler<'setParameter'> = (params, ctx) => {
  const { net } = ctx.session.model(params.docId);
  const p = findParam(net, params.name);
  const device = p.listDevices()[0]!;
  const shape = p.shape;
  let value;
  if ('fill' in params.value) {
    if (!p.shapeIsKnown || !shape) {
      throw new ServiceError('E_BAD_REQUEST', `params.value: '${params.name}' has no known shape yet; run forward first or give data`);
    }
    value = np.full(shape, params.value.fill, { dtype: p.dtype, device });
  } else {
    const given = params.value.shape;
    if (shape && (shape.length !== given.length || shape.some((d, i) => d !== -1 && d !== given[i]))) {
      throw new ServiceError('E_BAD_REQUEST', `params.value.shape: '${params.name}' has shape (${shape.join(', ')}), got (${given.join(', ')})`);
    }
    value = wireToNDArray(params.value, device, 'params.value').astype(p.dtype);
  }
  p.setData(value);
  return { name: params.name, shape: [...value.shape], dtype: p.dtype, stats: summaryStats(hostData(p)) };
};

function initializeWith(force: boolean) {
  return (params: ParsedParams<'initialize'>, ctx: RequestContext): MethodResult<'initialize'> => {
    const entry = ctx.session.get(params.docId);
    const device = params.device ? parseDevice(params.device) : parseDevice(entry.device);
    const model = ensureModel(entry, { device });
    if (params.seed !== undefined) np.random.seed(params.seed);
    const all = uniqueParams(model.net);
    const chosen = params.names ? params.names.map((name) => ({ name, param: findParam(model.net, name) })) : all;
    const result: MethodResult<'initialize'> = { initialized: [], deferred: [], skipped: [] };
    for (const { name, param } of chosen) {
      if (param.state === 'initialized' && !force) {
        result.skipped.push(name);
        continue;
      }
      param.initialize(params.init ?? null, { device, forceReinit: force });
      (param.state === 'initialized' ? result.initialized : result.deferred).push(name);
    }
    return result;
  };
}

export const initialize: Handler<'initialize'> = initializeWith(false);
export const forceReinit: Handler<'forceReinit'> = initializeWith(true);
