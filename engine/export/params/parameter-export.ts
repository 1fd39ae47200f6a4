// Parameter files for other tools: MXNet .params (the NDArray V2 list layout Gluon's
// save_parameters writes), .npz (numpy.load reads it) and .safetensors, which also carries the
// graph document in its `__metadata__`, so the file alone can be opened as a model.

import { writeArrayFile } from '../../io/array-file.ts';
import type { HostTensor } from '../../io/host-tensor.ts';
import { toHostTensor } from '../../io/ndarray-files.ts';
import type { BuiltModel } from '../../graph/build.ts';
import type { Parameter } from '../../nn/parameter.ts';
import { GRAPH_FORMAT } from '../../protocol/graph-document.ts';

export type ParameterFormat = 'mxnet' | 'npz' | 'safetensors';
/** 'structural': `0.weight`, `net.1.bias` (Gluon 1.x save_parameters); 'gluon': `dense0_weight` (save_params, collect_params().save). */
export type ParameterKeys = 'structural' | 'gluon';

export interface ParameterExportOptions {
  /** Default: structural for .params (what save_parameters writes), gluon names for .npz and .safetensors. */
  keys?: ParameterKeys;
  /** .safetensors only: embed the document (default true). */
  embedDocument?: boolean;
}

export interface ExportedEntry {
  key: string;
  shape: number[];
  dtype: string;
}

/** The metadata key holding the format name, and the one holding the document's JSON. */
export const METADATA_FORMAT_KEY = 'format';
export const METADATA_DOCUMENT_KEY = 'document';

export const defaultKeys = (format: ParameterFormat): ParameterKeys => (format === 'mxnet' ? 'structural' : 'gluon');

/** Key → Parameter, each distinct Parameter once (a tied one under its first key), in model order. */
export function parameterEntries(model: BuiltModel, keys: ParameterKeys): [string, Parameter][] {
  const all = keys === 'gluon' ? model.net.collectParams().entries() : [...model.net.structuralParams()];
  const seen = new Set<Parameter>();
  return all.filter(([, p]) => (seen.has(p) ? false : (seen.add(p), true)));
}

/**
 * Writes the model's parameters atomically; returns what was written.
 * @example await exportParameters(model, 'mlp.safetensors', 'safetensors'); // keys dense0_weight, + the document
 */
export async function exportParameters(
  model: BuiltModel,
  path: string,
  format: ParameterFormat,
  options: ParameterExportOptions = {},
): Promise<ExportedEntry[]> {
  const entries = parameterEntries(model, options.keys ?? defaultKeys(format));
  const dict: Record<string, HostTensor> = Object.create(null) as Record<string, HostTensor>;
  for (const [key, p] of entries) dict[key] = toHostTensor(p.data());
  const metadata =
    format === 'safetensors' && options.embedDocument !== false
      ? { [METADATA_FORMAT_KEY]: GRAPH_FORMAT, [METADATA_DOCUMENT_KEY]: JSON.stringify(model.document) }
      : undefined;
  await writeArrayFile(path, dict, { format, ...(metadata ? { metadata } : {}) });
  return entries.map(([key, p]) => ({ key, shape: [...p.data().shape], dtype: p.dtype }));
}
