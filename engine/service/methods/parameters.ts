// The parameter panel's methods: the table (with statistics, a compact histogram and each row's
// place in the block tree), one parameter's values (a slice, its histogram, summary statistics,
// and the same slice of its gradient), overwriting values (all, or one element or sub-array at an
// index), and (re)initialization.
import { np, type Block, type NDArray, type Parameter } from '../../index.ts';
import type { MethodResult, ParsedParams } from '../../protocol/service-api.ts';
import { parameterErrors as E } from '../parameter-errors.ts';
import type { Handler, RequestContext } from '../dispatcher.ts';
import { parseDevice } from '../device-name.ts';
import { ensureModel } from '../model-builder.ts';
import { describeInit, findParam, uniqueParams } from '../model-parameters.ts';
import { fromWireNumber, histogram, sliceBox, summaryStats, tensorToWire, wireToNDArray } from '../tensor-wire.ts';

const DEFAULT_BINS = 30;
/** Sparkline-sized histograms for the table: enough shape to see, few numbers on the wire. */
const DEFAULT_TABLE_BINS = 20;
const DEFAULT_MAX_VALUES = 10000;

function hostData(p: Parameter) {
  return p.data(p.listDevices()[0]).toTyped();
}

/** Where each parameter is first used: its structural path and the chain of block names above it. */
function placesOf(net: Block): Map<Parameter, { path: string; blocks: string[] }> {
  const places = new Map<Parameter, { path: string; blocks: string[] }>();
  // Same order as structuralParams (own parameters, then children), so the first use wins as there.
  const walk = (block: Block, prefix: string, chain: string[]) => {
    const blocks = [...chain, block.name];
    const own = block.params.prefix;
    for (const [name, p] of block.params) {
      if (!places.has(p)) places.set(p, { path: prefix + (name.startsWith(own) ? name.slice(own.length) : name), blocks });
    }
    for (const [key, child] of block.children) walk(child, `${prefix}${key}.`, blocks);
  };
  walk(net, '', []);
  return places;
}

export const parameterTable: Handler<'parameterTable'> = async (params, ctx) => {
  const { net } = ctx.session.model(params.docId);
  return { parameters: await tableRows(net, params, ctx) };
};

/** The table's rows for a built model (parameterTable, and forward when asked for them). */
export async function tableRows(
  net: Block,
  params: { statistics?: boolean | undefined; bins?: number | undefined },
  ctx: RequestContext,
): Promise<MethodResult<'parameterTable'>['parameters']> {
  const bins = params.bins ?? DEFAULT_TABLE_BINS;
  const places = placesOf(net);
  const rows = [];
  for (const { name, param, tiedTo, tiedToBlocks } of uniqueParams(net)) {
    const withStats = params.statistics !== false && param.state === 'initialized';
    const data = withStats ? hostData(param) : null;
    rows.push({
      name,
      shape: param.shape,
      dtype: param.dtype,
      state: param.state,
      initializer: describeInit(param.init),
      tiedTo,
      tiedToBlocks,
      gradReq: param.gradReq,
      ...(param.differentiable ? {} : { differentiable: false }),
      stats: data ? summaryStats(data) : null,
      ...places.get(param),
      histogram: data && bins > 0 ? histogram(data, bins) : null,
    });
    await ctx.checkpoint();
  }
  return rows;
}

/** The box [start, start + shape) of a parameter's shape from the request's half-open ranges (clamped). */
function boxOf(name: string, shape: readonly number[], ranges: ParsedParams<'parameterValues'>['slice'] = []) {
  if (ranges.length > shape.length) {
    throw E.sliceRank(name, ranges.length, shape.length);
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
  return { start, shape: boxShape };
}

export const parameterValues: Handler<'parameterValues'> = (params, ctx) => {
  const { net } = ctx.session.model(params.docId);
  const p = findParam(net, params.name);
  const array = p.data(p.listDevices()[0]);
  const shape = [...array.shape];
  const data = array.toTyped();
  const box = boxOf(params.name, shape, params.slice);
  const maxValues = params.maxValues ?? DEFAULT_MAX_VALUES;
  const result: MethodResult<'parameterValues'> = {
    name: params.name,
    shape,
    dtype: array.dtype,
    slice: box,
    values: tensorToWire(box.shape, array.dtype, sliceBox(data, shape, box.start, box.shape), maxValues),
    stats: summaryStats(data),
    histogram: histogram(data, params.bins ?? DEFAULT_BINS),
  };
  if (params.gradient) {
    // A constant (grad_req null) has no gradient; others have one from initialization on (zeros
    // until a backward pass, e.g. a training step, writes it).
    const grad: NDArray | null = p.gradReq === 'null' ? null : (array.grad ?? null);
    if (grad) {
      const g = grad.toTyped();
      result.gradient = { values: tensorToWire(box.shape, grad.dtype, sliceBox(g, shape, box.start, box.shape), maxValues), stats: summaryStats(g) };
    } else result.gradient = null;
  }
  return result;
};

/** Says which element (or sub-array) `index` names, or why it names none. */
function checkIndex(name: string, shape: readonly number[], index: readonly number[]): void {
  if (index.length > shape.length) {
    throw E.indexRank(name, shape, index);
  }
  index.forEach((i, axis) => {
    if (i >= shape[axis]!) throw E.indexRange(name, shape, index, axis);
  });
}

export const setParameter: Handler<'setParameter'> = (params, ctx) => {
  const { net } = ctx.session.model(params.docId);
  const p = findParam(net, params.name);
  const device = p.listDevices()[0]!;
  const shape = p.shape;
  if (params.index) return setAt(params.name, p, params.index, params.value);
  let value;
  if ('fill' in params.value) {
    if (!p.shapeIsKnown || !shape) {
      throw E.shapeUnknown(params.name);
    }
    value = np.full(shape, params.value.fill, { dtype: p.dtype, device });
  } else {
    const given = params.value.shape;
    if (shape && (shape.length !== given.length || shape.some((d, i) => d !== -1 && d !== given[i]))) {
      throw E.valueShape(params.name, shape, given);
    }
    value = wireToNDArray(params.value, device, 'params.value').astype(p.dtype);
  }
  p.setData(value);
  return { name: params.name, shape: [...value.shape], dtype: p.dtype, stats: summaryStats(hostData(p)) };
};

/**
 * `data()[i, j] = v` (a full index) or `data()[i] = row` (a leading index): reads the values,
 * writes the element or sub-array, and sets the whole array back, so every device copy and every
 * tied use sees the change.
 */
function setAt(name: string, p: Parameter, index: readonly number[], value: ParsedParams<'setParameter'>['value']): MethodResult<'setParameter'> {
  if (p.state !== 'initialized') {
    throw E.notInitialized(name, p.state);
  }
  const current = p.data(p.listDevices()[0]);
  const shape = [...current.shape];
  checkIndex(name, shape, index);
  const rest = shape.slice(index.length);
  const count = rest.reduce((a, b) => a * b, 1);
  let offset = 0;
  index.forEach((i, axis) => {
    offset += i * shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  });
  let values: number[];
  if ('fill' in value) values = new Array<number>(count).fill(value.fill);
  else {
    if (value.shape.length !== rest.length || value.shape.some((d, i) => d !== rest[i])) {
      throw E.subShape(name, index, rest, value.shape);
    }
    values = value.data.map(fromWireNumber);
  }
  if (p.dtype !== 'float32' && p.dtype !== 'float64' && values.some((v) => !Number.isInteger(v))) {
    throw E.needsIntegers(name, p.dtype);
  }
  const all = Float64Array.from(current.toTyped() as ArrayLike<number | bigint>, Number);
  all.set(values, offset);
  const next = np.array(all, { shape, device: current.device }).astype(p.dtype);
  p.setData(next);
  return { name, shape, dtype: p.dtype, stats: summaryStats(hostData(p)) };
}

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
