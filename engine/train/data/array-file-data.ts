// .npz / .npy import through the io layer's bounded readers. An .npz holds features and labels
// under keys (default: the first of x/X/data/features and y/Y/label/labels/target); a .npy holds
// one 2-D matrix whose label column is chosen by index (default: the last). Errors name the key.

import { readArrayFileInfo } from '../../io/array-file.ts';
import type { HostTensor } from '../../io/host-tensor.ts';
import { isHostTensor } from '../../io/host-tensor.ts';
import { makeDataset, type Dataset, type Task } from './dataset.ts';
import { arrayDataErrors, dataFileErrors } from './data-errors.ts';

export interface ArrayFileDataOptions {
  /** .npz: the features key; .npy: ignored. */
  features?: string;
  /** .npz: the labels key; .npy: the label column index (default -1). */
  label?: string | number;
  task?: Task;
}

const FEATURE_KEYS = ['x', 'X', 'data', 'features'];
const LABEL_KEYS = ['y', 'Y', 'label', 'labels', 'target'];

function toFloat32(t: HostTensor): Float32Array {
  if (t.data instanceof Float32Array) return t.data;
  const out = new Float32Array(t.data.length);
  for (let i = 0; i < out.length; i++) out[i] = Number(t.data[i]);
  return out;
}

function pick(entries: Record<string, HostTensor>, wanted: string | undefined, defaults: string[], role: string, source: string): [string, HostTensor] {
  const keys = Object.keys(entries);
  const key = wanted ?? defaults.find((k) => keys.includes(k));
  if (key === undefined) {
    throw arrayDataErrors.noDefaultArray(source, role, defaults, keys);
  }
  const t = entries[key];
  if (!t) throw arrayDataErrors.noArray(source, key, keys);
  return [key, t];
}

/** Reads an .npz or .npy file into a data set. */
export async function readArrayFileData(path: string, options: ArrayFileDataOptions = {}): Promise<Dataset> {
  const { content } = await readArrayFileInfo(path);
  const task = options.task ? { task: options.task } : {};
  if (isHostTensor(content)) {
    if (content.shape.length !== 2 || content.shape[1]! < 2) {
      throw arrayDataErrors.npyShape(path, content.shape);
    }
    const [n, width] = content.shape as [number, number];
    const spec = options.label ?? -1;
    const col = typeof spec === 'number' ? (spec < 0 ? width + spec : spec) : Number(spec);
    if (!Number.isInteger(col) || col < 0 || col >= width) {
      throw arrayDataErrors.labelColumn(path, String(spec), width);
    }
    const all = toFloat32(content);
    const features = new Float32Array(n * (width - 1));
    const labels = new Float32Array(n);
    for (let r = 0; r < n; r++) {
      let j = 0;
      for (let c = 0; c < width; c++) {
        if (c === col) labels[r] = all[r * width + c]!;
        else features[r * (width - 1) + j++] = all[r * width + c]!;
      }
    }
    return makeDataset({ name: path, features, featureShape: [width - 1], labels, labelShape: [], ...task });
  }
  if (Array.isArray(content)) throw dataFileErrors.positionalArrays(path);
  const [fKey, x] = pick(content, options.features, FEATURE_KEYS, 'feature', path);
  const [lKey, y] = pick(content, options.label === undefined ? undefined : String(options.label), LABEL_KEYS, 'label', path);
  if (x.shape.length < 1 || y.shape[0] !== x.shape[0]) {
    throw arrayDataErrors.rows(path, fKey, x.shape, lKey, y.shape);
  }
  if (x.dtype === 'bool' || y.dtype === 'bool') throw arrayDataErrors.boolean(path, x.dtype === 'bool' ? fKey : lKey);
  return makeDataset({
    name: path,
    features: toFloat32(x),
    featureShape: x.shape.slice(1),
    labels: toFloat32(y),
    labelShape: y.shape.slice(1),
    ...task,
  });
}
