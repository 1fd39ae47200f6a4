// saveArrays / loadArrays: any supported array file (MXNet NDArray .params, .npy, .npz,
// .safetensors) by path, with a report line per array. No model involved.
import { extname } from 'node:path';
import { readArrayFileInfo, writeArrayFile, type ArrayFileFormat } from '../../io/array-file.ts';
import { isHostTensor, type HostTensor } from '../../io/host-tensor.ts';
import type { FileEntryReport, TensorInput } from '../../protocol/service-api.ts';
import { ServiceError } from '../../protocol/service-protocol.ts';
import type { Handler } from '../dispatcher.ts';
import { tensorToWire, wireToHostTensor } from '../tensor-wire.ts';

const DEFAULT_MAX_VALUES = 1000;
const BY_EXTENSION: Record<string, ArrayFileFormat> = { '.params': 'mxnet', '.nd': 'mxnet', '.npy': 'npy', '.npz': 'npz', '.safetensors': 'safetensors' };

/** The format a path asks for; an unknown extension without `format` is the caller's mistake. */
export function formatFor(path: string, format: ArrayFileFormat | undefined): ArrayFileFormat {
  const chosen = format ?? BY_EXTENSION[extname(path).toLowerCase()];
  if (!chosen) {
    throw new ServiceError(
      'E_BAD_REQUEST',
      `path: cannot tell the format of '${path}' from its extension; ` + 'use .params, .npy, .npz or .safetensors, or pass format',
    );
  }
  return chosen;
}

function report(name: string, t: HostTensor, status: FileEntryReport['status']): FileEntryReport {
  return { name, status, shape: [...t.shape], dtype: t.dtype };
}

export const saveArrays: Handler<'saveArrays'> = async (params) => {
  const format = formatFor(params.path, params.format);
  const given = params.arrays as TensorInput | TensorInput[] | Record<string, TensorInput>;
  let content: HostTensor | HostTensor[] | Record<string, HostTensor>;
  let entries: FileEntryReport[];
  if (Array.isArray(given)) {
    content = given.map(wireToHostTensor);
    entries = content.map((t, i) => report(String(i), t, 'saved'));
  } else if ('shape' in given && 'data' in given && Array.isArray(given.data)) {
    const one = wireToHostTensor(given as TensorInput);
    content = format === 'npy' ? one : [one];
    entries = [report('0', one, 'saved')];
  } else {
    // A null-prototype record keeps a tensor named "__proto__" an ordinary key.
    const named: Record<string, HostTensor> = Object.create(null);
    for (const [name, t] of Object.entries(given as Record<string, TensorInput>)) named[name] = wireToHostTensor(t);
    content = named;
    entries = Object.entries(named).map(([name, t]) => report(name, t, 'saved'));
  }
  await writeArrayFile(params.path, content, { format });
  return { path: params.path, format, entries };
};

export const loadArrays: Handler<'loadArrays'> = async (params) => {
  const info = await readArrayFileInfo(params.path);
  const maxValues = params.maxValues ?? DEFAULT_MAX_VALUES;
  const content = info.content;
  const pairs: [string, HostTensor][] = isHostTensor(content)
    ? [['0', content]]
    : Array.isArray(content)
      ? content.map((t, i) => [String(i), t])
      : Object.entries(content);
  const kind = isHostTensor(content) ? 'single' : Array.isArray(content) ? 'list' : 'named';
  const entries = pairs.map(([name, t]) => {
    const base = { name, shape: [...t.shape], dtype: t.dtype };
    return maxValues === 0 ? base : { ...base, values: tensorToWire(t.shape, t.dtype, t.data, maxValues) };
  });
  return { path: params.path, format: info.format, kind, entries };
};
