// saveParameters / loadParameters for a document's model, in every supported format, with a
// report line per name: saved, loaded, missing (in the model, not the file), extra (in the file,
// not the model), shape- or dtype-mismatch. The engine's loader stays the judge of what loads;
// the report only explains its decision name by name. A .safetensors file also embeds the
// document, so it opens as a model (File › Open, `blocksmith export MODEL.safetensors`).
import { exportParameters } from '../../export/params/parameter-export.ts';
import { readArrayFileInfo } from '../../io/array-file.ts';
import { isHostTensor, type HostTensor } from '../../io/host-tensor.ts';
import { formatForPath } from '../../io/ndarray-files.ts';
import { ModelError } from '../../nn/model-errors.ts';
import type { Block, Parameter } from '../../index.ts';
import type { FileEntryReport } from '../../protocol/service-api.ts';
import { ServiceError } from '../../protocol/service-protocol.ts';
import type { Handler } from '../dispatcher.ts';
import { parameterErrors } from '../parameter-errors.ts';

export const saveParameters: Handler<'saveParameters'> = async (params, ctx) => {
  const { net, model } = ctx.session.model(params.docId);
  const format = params.format ?? formatForPath(params.path);
  // A .safetensors file carries the document too (as `blocksmith export` writes it), so the editor's
  // file reopens as a model; the other formats are plain name → array maps.
  if (format === 'safetensors') await exportParameters(model, params.path, 'safetensors', { keys: params.fullNames ? 'gluon' : 'structural' });
  else await net.saveParameters(params.path, { format, fullNames: params.fullNames ?? false });
  const keyed = params.fullNames ? net.collectParams().entries() : [...net.structuralParams()];
  const seen = new Set<Parameter>();
  const entries: FileEntryReport[] = [];
  for (const [name, p] of keyed) {
    if (seen.has(p)) continue; // a tied parameter is written once, under its first name
    seen.add(p);
    entries.push({ name, status: 'saved', shape: p.shape ?? [], dtype: p.dtype });
  }
  return { path: params.path, format, entries };
};

export const loadParameters: Handler<'loadParameters'> = async (params, ctx) => {
  const { net } = ctx.session.model(params.docId);
  const info = await readArrayFileInfo(params.path, expectedBytes(net));
  if (isHostTensor(info.content) || Array.isArray(info.content)) {
    throw parameterErrors.unnamedArrays(params.path);
  }
  const entries = explainLoad(net, info.content);
  try {
    await net.loadParameters(params.path, {
      allowMissing: params.allowMissing ?? false,
      ignoreExtra: params.ignoreExtra ?? false,
      castDtype: params.castDtype ?? false,
    });
  } catch (error) {
    if (error instanceof ModelError) throw new ServiceError(error.code, error.message, { names: [...error.names], entries });
    throw error;
  }
  return { path: params.path, format: info.format, entries };
};

/**
 * What a parameter file for this model can hold when decompressed: every parameter as float64 plus
 * room for headers and names. A file inflating past it is not this model's (a zip bomb is refused
 * from its directory). Parameters whose shape waits for data leave it to the default limit.
 */
function expectedBytes(net: Block): { maxDecodedBytes?: number } {
  let total = 2 ** 20;
  for (const p of net.collectParams().values()) {
    if (!p.shape || p.shape.some((d) => d < 0)) return {};
    total += p.shape.reduce((a, d) => a * d, 1) * 8 + 4096;
  }
  return { maxDecodedBytes: total };
}

const stripRole = (key: string) => (key.startsWith('arg:') || key.startsWith('aux:') ? key.slice(4) : key);

/** What loading `content` into `net` does to each name (mirrors engine/nn/parameter-file.ts). */
export function explainLoad(net: Block, content: Record<string, HostTensor>): FileEntryReport[] {
  const structural = net.structuralParams();
  const byName = net.collectParams();
  const resolve = (key: string): Parameter | undefined =>
    structural.get(key) ?? [key, net.params.prefix + key].filter((k) => byName.has(k)).map((k) => byName.at(k))[0];
  const report: FileEntryReport[] = [];
  const assigned = new Set<Parameter>();
  for (const raw of Object.keys(content)) {
    const key = stripRole(raw);
    const t = content[raw]!;
    const p = resolve(key);
    const base = { name: key, shape: [...t.shape], dtype: t.dtype };
    if (!p) {
      report.push({ ...base, status: 'extra', message: 'not in the model' });
      continue;
    }
    assigned.add(p);
    const have = p.shape;
    if (have && (have.length !== t.shape.length || have.some((d, i) => d !== -1 && d !== t.shape[i]))) {
      report.push({ ...base, status: 'shape-mismatch', expectedShape: have, message: `the model expects (${have.join(', ')})` });
    } else if (t.dtype !== p.dtype) {
      report.push({ ...base, status: 'dtype-mismatch', message: `the model's parameter is ${p.dtype}` });
    } else {
      report.push({ ...base, status: 'loaded' });
    }
  }
  const seen = new Set<Parameter>();
  for (const [name, p] of byName.entries()) {
    if (assigned.has(p) || seen.has(p)) continue;
    seen.add(p);
    report.push({ name, status: 'missing', expectedShape: p.shape, message: 'not in the file' });
  }
  return report;
}
