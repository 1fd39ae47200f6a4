// NDArray <-> HostTensor glue and the chapter's npx.save / npx.load: one array, a list or a
// name → array record, in MXNet's NDArray format (default, also for names without an extension),
// .npy, .npz or .safetensors as the extension or {format} says.

import { extname } from 'node:path';
import type { NDArray } from '../ndarray/ndarray.ts';
import { np } from '../ndarray/np.ts';
import { cpu, type Device } from '../ndarray/device.ts';
import { isHostTensor, type HostTensor } from './host-tensor.ts';
import { readArrayFile, writeArrayFile, type ArrayFileFormat } from './array-file.ts';

export type ArrayContent = NDArray | NDArray[] | Record<string, NDArray>;

const EXTENSIONS: Record<string, ArrayFileFormat> = { '.params': 'mxnet', '.nd': 'mxnet', '.npy': 'npy', '.npz': 'npz', '.safetensors': 'safetensors' };

/** The format for a path: by extension, else MXNet's NDArray format (the chapter saves to 'x-file'). */
export function formatForPath(path: string): ArrayFileFormat {
  return EXTENSIONS[extname(path).toLowerCase()] ?? 'mxnet';
}

/** A host copy of an array's contents (what the file writers take). */
export function toHostTensor(a: NDArray): HostTensor {
  return { dtype: a.dtype, shape: [...a.shape], data: a.toTyped() };
}

/** An NDArray holding a copy of the tensor, on `device` (default cpu(0)). */
export function fromHostTensor(t: HostTensor, device: Device = cpu()): NDArray {
  if (t.dtype === 'bool') return np.array(t.data, { shape: t.shape, device }).astype('bool');
  return np.array(t.data, { shape: t.shape, device });
}

function isNDArrayList(v: ArrayContent): v is NDArray[] {
  return Array.isArray(v);
}

/**
 * Saves one array, a list or a record (npx.save). One array goes to .npy as itself and to the list
 * formats as a list of one, which is what MXNet's npx.load then gives back.
 * @example await save('x-files', [x, y]); const [x2, y2] = await load('x-files') as NDArray[];
 */
export async function save(path: string, data: ArrayContent, options: { format?: ArrayFileFormat } = {}): Promise<void> {
  const format = options.format ?? formatForPath(path);
  if (isNDArrayList(data)) {
    await writeArrayFile(path, data.map(toHostTensor), { format });
  } else if (isArrayValue(data)) {
    await writeArrayFile(path, format === 'npy' ? toHostTensor(data) : [toHostTensor(data)], { format });
  } else {
    const dict: Record<string, HostTensor> = {};
    for (const [k, v] of Object.entries(data)) Object.defineProperty(dict, k, { value: toHostTensor(v), enumerable: true });
    await writeArrayFile(path, dict, { format });
  }
}

function isArrayValue(v: ArrayContent): v is NDArray {
  return typeof (v as NDArray).toTyped === 'function';
}

/** Loads what save() wrote (npx.load): an array (.npy), a list, or a record of arrays. */
export async function load(path: string, options: { device?: Device; format?: ArrayFileFormat } = {}): Promise<ArrayContent> {
  const content = await readArrayFile(path, options.format ? { format: options.format } : {});
  const device = options.device ?? cpu();
  if (isHostTensor(content)) return fromHostTensor(content, device);
  if (Array.isArray(content)) return content.map((t) => fromHostTensor(t, device));
  const out: Record<string, NDArray> = {};
  // defineProperty keeps a key named "__proto__" an ordinary entry.
  for (const [k, t] of Object.entries(content)) Object.defineProperty(out, k, { value: fromHostTensor(t, device), enumerable: true });
  return out;
}

/** The chapter's npx.save / npx.load, to be merged into the engine's npx namespace. */
export const npxFiles = { save, load };
