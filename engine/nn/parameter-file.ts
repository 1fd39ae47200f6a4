// Block.saveParameters / loadParameters. Keys are structural by default (`0.weight`,
// `hidden.bias`) like Gluon 1.x save_parameters, with shared parameters saved once; {fullNames}
// writes `dense0_weight` instead. Loading accepts either style (and arg:/aux: prefixes) and checks
// everything before writing anything, so a failed load leaves the network untouched.

import type { Device } from '../ndarray/device.ts';
import type { DType } from '../ndarray/dtype.ts';
import { readArrayFile, writeArrayFile, type ArrayFileFormat } from '../io/array-file.ts';
import { isHostTensor, type HostTensor } from '../io/host-tensor.ts';
import { formatForPath, fromHostTensor, toHostTensor } from '../io/ndarray-files.ts';
import type { Block } from './block.ts';
import type { Parameter } from './parameter.ts';
import { ModelError, pyTuple, quoteList } from './model-errors.ts';

export interface SaveParametersOptions {
  /** Default: by extension (.params → MXNet NDArray format, .npz, .safetensors), else MXNet's. */
  format?: ArrayFileFormat;
  /** Key by full names (dense0_weight) instead of structural paths (0.weight). */
  fullNames?: boolean;
}

export interface LoadParametersOptions {
  /** Devices for parameters not yet initialized (default: their deferred devices, else cpu(0)). */
  device?: Device | readonly Device[];
  allowMissing?: boolean;
  ignoreExtra?: boolean;
  /** Cast saved data of another dtype instead of failing. */
  castDtype?: boolean;
  /** With castDtype: 'current' casts the data to the parameter's dtype; 'saved' re-dtypes the parameter. */
  dtypeSource?: 'current' | 'saved';
}

export async function saveParameters(block: Block, path: string, options: SaveParametersOptions = {}): Promise<void> {
  const dict: Record<string, HostTensor> = {};
  const seen = new Set<Parameter>();
  const entries = options.fullNames ? block.collectParams().entries() : [...block.structuralParams()];
  for (const [key, p] of entries) {
    if (seen.has(p)) continue;
    seen.add(p);
    // Copies on several devices are identical after initialization; the first one is saved.
    Object.defineProperty(dict, key, { value: toHostTensor(p.listData()[0]!), enumerable: true });
  }
  await writeArrayFile(path, dict, { format: options.format ?? formatForPath(path) });
}

const stripRole = (key: string): string => (key.startsWith('arg:') || key.startsWith('aux:') ? key.slice(4) : key);

export async function loadParameters(block: Block, path: string, options: LoadParametersOptions = {}): Promise<void> {
  const content = await readArrayFile(path);
  if (isHostTensor(content) || Array.isArray(content)) {
    throw new ModelError(
      'E_LOAD_FORMAT',
      `${path} holds ${isHostTensor(content) ? 'a single array' : 'an unnamed list of arrays'}, ` +
        'not named parameters. Save it with saveParameters (or npx.save with a name → array record).',
    );
  }
  const structural = block.structuralParams();
  const byName = block.collectParams();
  const resolve = (key: string): { p: Parameter; structural: boolean } | undefined => {
    const s = structural.get(key);
    if (s) return { p: s, structural: true };
    for (const name of [key, block.params.prefix + key]) if (byName.has(name)) return { p: byName.at(name), structural: false };
    return undefined;
  };

  const assigned = new Map<Parameter, { key: string; t: HostTensor }>();
  const extras: string[] = [];
  let structuralStyle = false;
  const fileKeys = Object.keys(content);
  for (const raw of fileKeys) {
    const key = stripRole(raw);
    const hit = resolve(key);
    if (!hit) {
      extras.push(key);
      continue;
    }
    structuralStyle ||= hit.structural;
    assigned.set(hit.p, { key, t: content[raw]! });
  }
  const known = structuralStyle ? [...structural.keys()] : byName.keys();
  if (extras.length && !options.ignoreExtra) {
    throw new ModelError(
      'E_LOAD_EXTRA',
      `${plural(extras)} loaded from file '${path}' ${extras.length > 1 ? 'are' : 'is'} not ` +
        `present in ${block.name}, which contains parameters ${quoteList(known)}. Set ignoreExtra: true to ignore.`,
      extras,
    );
  }
  const missing = missingNames(structuralStyle ? structural : new Map(byName.entries()), assigned);
  if (missing.length && !options.allowMissing) {
    throw new ModelError(
      'E_LOAD_MISSING',
      `${plural(missing)} ${missing.length > 1 ? 'are' : 'is'} missing in file '${path}', ` +
        `which contains parameters: ${quoteList(fileKeys)}. Set allowMissing: true to ignore missing parameters.`,
      missing,
    );
  }
  const plan = [...assigned].map(([p, { key, t }]) => ({ p, t, dtype: checkEntry(p, key, t, options) }));
  for (const { p } of plan) p.checkLoadDevice(options.device);
  for (const { p, t, dtype } of plan) {
    if (dtype !== p.dtype) p.dtype = dtype;
    const value = fromHostTensor(t);
    p.loadData(value.dtype === dtype ? value : value.astype(dtype), options.device);
  }
}

/** Names (in the file's key style) of parameters no key provided; a shared one needs only one path. */
function missingNames(all: Map<string, Parameter>, assigned: Map<Parameter, unknown>): string[] {
  const out: string[] = [];
  const reported = new Set<Parameter>();
  for (const [key, p] of all) {
    if (assigned.has(p) || reported.has(p)) continue;
    reported.add(p);
    out.push(key);
  }
  return out;
}

/** Validates one entry's shape and dtype; returns the dtype the parameter will have. */
function checkEntry(p: Parameter, key: string, t: HostTensor, o: LoadParametersOptions): DType {
  const have = p.shape;
  if (have && (have.length !== t.shape.length || have.some((d, i) => d !== -1 && d !== t.shape[i]))) {
    throw new ModelError(
      'E_LOAD_SHAPE',
      `Failed loading Parameter '${key}' from saved params: shape incompatible ` + `expected ${pyTuple(have)} vs saved ${pyTuple(t.shape)}.`,
      [key],
    );
  }
  if (t.dtype === p.dtype) return p.dtype;
  if (!o.castDtype) {
    throw new ModelError(
      'E_LOAD_DTYPE',
      `Failed loading Parameter '${key}' from saved params: dtype incompatible ` +
        `expected ${p.dtype} vs saved ${t.dtype}. Set castDtype: true to cast the dtype of saved params.`,
      [key],
    );
  }
  return o.dtypeSource === 'saved' ? t.dtype : p.dtype;
}

function plural(names: readonly string[]): string {
  return names.length > 1 ? `Parameters ${quoteList(names)}` : `Parameter '${names[0]}'`;
}
