// One entry point for every export target, used by the CLI and the service: a built model (its
// parameters initialized or loaded) → a file, written atomically, with a short report.

import { dirname, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../io/array-file.ts';
import type { BuiltModel } from '../graph/build.ts';
import { exportGraph } from './export-graph.ts';
import { exportOnnx } from './onnx/onnx-export.ts';
import { gluonCode } from './code/gluon.ts';
import { pytorchCode } from './code/pytorch.ts';
import { typescriptCode } from './code/typescript.ts';
import { exportParameters, type ExportedEntry, type ParameterKeys } from './params/parameter-export.ts';

export const EXPORT_TARGETS = ['onnx', 'pytorch', 'gluon', 'typescript', 'safetensors', 'npz', 'mxnet'] as const;
export type ExportTarget = (typeof EXPORT_TARGETS)[number];

export interface ExportRequest {
  target: ExportTarget;
  path: string;
  /** Parameter files: structural (0.weight) or Gluon (dense0_weight) keys; default per format (see parameter-export.ts). */
  keys?: ParameterKeys;
  /** TypeScript: how the generated file imports the engine (default: a relative path to engine/index.ts). */
  engineImport?: string;
}

export interface ExportResult {
  target: ExportTarget;
  path: string;
  bytes: number;
  parameters: ExportedEntry[];
  /** Parts written as stubs to finish by hand (a code block with no translation), one line each. */
  stubs?: string[];
}

const ENGINE_ENTRY = fileURLToPath(new URL('../index.ts', import.meta.url));

/** engine/index.ts as seen from the directory of `path` (./ or ../ first, forward slashes). */
export function engineImportFor(path: string): string {
  const rel = relative(dirname(path), ENGINE_ENTRY).split(sep).join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

/**
 * Writes the model in the requested form.
 * @example await exportModel(await prepareModel(doc), { target: 'onnx', path: 'mlp.onnx' });
 */
export async function exportModel(model: BuiltModel, request: ExportRequest): Promise<ExportResult> {
  const { target, path } = request;
  if (target === 'safetensors' || target === 'npz' || target === 'mxnet') {
    const parameters = await exportParameters(model, path, target, request.keys ? { keys: request.keys } : {});
    return { target, path, bytes: -1, parameters };
  }
  const graph = exportGraph(model);
  const title = model.document.title;
  let bytes: Uint8Array;
  switch (target) {
    case 'onnx':
      bytes = exportOnnx(graph, { metadata: title ? { title } : {} });
      break;
    case 'pytorch':
      bytes = new TextEncoder().encode(pytorchCode(graph, { title }));
      break;
    case 'gluon':
      bytes = new TextEncoder().encode(gluonCode(graph, { title }));
      break;
    case 'typescript':
      bytes = new TextEncoder().encode(typescriptCode(graph, { title, engineImport: request.engineImport ?? engineImportFor(path) }));
      break;
  }
  await writeFileAtomic(path, bytes);
  const stubs = [...new TextDecoder().decode(bytes).matchAll(/^# STUB: (.*)$/gm)].map((m) => m[1]!);
  return {
    target,
    path,
    bytes: bytes.length,
    parameters: [...graph.parameters].map(([key, p]) => ({ key, shape: [...p.data().shape], dtype: p.dtype })),
    ...(stubs.length ? { stubs } : {}),
  };
}
