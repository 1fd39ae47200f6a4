// Arrays on the wire: NDArray / HostTensor ↔ the JSON form of service-values.ts, plus the summary
// statistics and histograms the parameter panels show. Computed here, in the engine process, so
// the window never receives a large array just to draw a histogram.
import { np, type NDArray, type Device } from '../index.ts';
import type { HostTensor } from '../io/host-tensor.ts';
import type { DTypeName, Stats, TensorInput, TensorOutput, WireNumber } from '../protocol/service-api.ts';
import { serviceErrors } from './service-errors.ts';

type Typed = HostTensor['data'];

export function toWireNumber(v: number): WireNumber {
  if (Number.isFinite(v)) return v;
  return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
}

export function fromWireNumber(v: WireNumber): number {
  return typeof v === 'number' ? v : v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : -Infinity;
}

/** Element i as a JS number (int64 beyond 2^53 loses precision, as in JSON anyway). */
function at(data: Typed, i: number): number {
  return Number(data[i]!);
}

/** The first maxValues elements of a host array, in C order. */
export function tensorToWire(shape: readonly number[], dtype: DTypeName, data: Typed, maxValues: number): TensorOutput {
  const n = Math.min(data.length, maxValues);
  const out: WireNumber[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = toWireNumber(at(data, i));
  return { shape: [...shape], dtype, data: out, truncated: n < data.length };
}

export function ndarrayToWire(a: NDArray, maxValues: number): TensorOutput {
  return tensorToWire(a.shape, a.dtype, a.toTyped(), maxValues);
}

/** An NDArray (float32 unless the input names a dtype) holding the wire values, on `device`. */
export function wireToNDArray(t: TensorInput, device: Device, field: string): NDArray {
  const values = new Float64Array(t.data.length);
  for (let i = 0; i < values.length; i++) values[i] = fromWireNumber(t.data[i]!);
  const dtype = t.dtype ?? 'float32';
  if (dtype === 'bool' || dtype === 'int64' || dtype === 'int32' || dtype === 'uint8') {
    if (values.some((v) => !Number.isInteger(v))) {
      throw serviceErrors.needsIntegers(field, dtype);
    }
  }
  const base = np.array(values, { shape: t.shape, device });
  return dtype === 'float64' ? base : base.astype(dtype);
}

/** A host tensor (for the file writers) from wire values. */
export function wireToHostTensor(t: TensorInput): HostTensor {
  const dtype = t.dtype ?? 'float32';
  const n = t.data.length;
  const values = t.data.map(fromWireNumber);
  let data: Typed;
  switch (dtype) {
    case 'float32':
      data = Float32Array.from(values);
      break;
    case 'float64':
      data = Float64Array.from(values);
      break;
    case 'int32':
      data = Int32Array.from(values);
      break;
    case 'int64':
      data = BigInt64Array.from(values, (v) => BigInt(Math.trunc(v)));
      break;
    case 'uint8':
      data = Uint8Array.from(values);
      break;
    case 'bool':
      data = Uint8Array.from(values, (v) => (v ? 1 : 0));
      break;
  }
  if (data.length !== n) throw serviceErrors.wireLostValues();
  return { dtype, shape: [...t.shape], data };
}

/** Mean, std (population, as numpy's default), min and max over the finite and non-finite values. */
export function summaryStats(data: Typed): Stats {
  const n = data.length;
  if (n === 0) return { count: 0, mean: 'NaN', std: 'NaN', min: 'NaN', max: 'NaN' };
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = at(data, i);
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (at(data, i) - mean) ** 2;
  return { count: n, mean: toWireNumber(mean), std: toWireNumber(Math.sqrt(squares / n)), min: toWireNumber(min), max: toWireNumber(max) };
}

/** `bins` equal-width bins from min to max of the finite values (numpy.histogram's edges). */
export function histogram(data: Typed, bins: number): { edges: number[]; counts: number[]; nonFinite: number } {
  let min = Infinity;
  let max = -Infinity;
  let nonFinite = 0;
  for (let i = 0; i < data.length; i++) {
    const v = at(data, i);
    if (!Number.isFinite(v)) {
      nonFinite++;
      continue;
    }
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const counts = new Array<number>(bins).fill(0);
  if (min === Infinity) return { edges: [], counts, nonFinite };
  // numpy widens an empty range to [v - 0.5, v + 0.5] so one value still has a bin.
  if (min === max) {
    min -= 0.5;
    max += 0.5;
  }
  const width = (max - min) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => min + i * width);
  for (let i = 0; i < data.length; i++) {
    const v = at(data, i);
    if (!Number.isFinite(v)) continue;
    counts[Math.min(bins - 1, Math.floor((v - min) / width))]!++;
  }
  return { edges, counts, nonFinite };
}

/** Copies the box [start, start + shape) out of a C-order array of `fullShape`. */
export function sliceBox(data: Typed, fullShape: readonly number[], start: readonly number[], shape: readonly number[]): Typed {
  const total = shape.reduce((a, b) => a * b, 1);
  const Ctor = data.constructor as new (n: number) => Typed;
  const out = new Ctor(total);
  const strides = fullShape.map((_, i) => fullShape.slice(i + 1).reduce((a, b) => a * b, 1));
  const index = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < total; k++) {
    let offset = 0;
    for (let d = 0; d < shape.length; d++) offset += (start[d]! + index[d]!) * strides[d]!;
    out[k] = data[offset]!;
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++index[d]! < shape[d]!) break;
      index[d] = 0;
    }
  }
  return out;
}
