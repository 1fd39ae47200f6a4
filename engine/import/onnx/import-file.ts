// An ONNX model file → its document and a .safetensors of its values, for the service method
// (importModel) and the CLI. Files over 2 GB are refused before they are read; external data is
// read only from files beside the model, bounded by their size.

import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeArrayFile } from '../../io/array-file.ts';
import { onnxExternalErrors, onnxReadErrors } from './onnx-errors.ts';
import { importOnnx, type ImportOptions, type ImportReport } from './onnx-import.ts';
import { MAX_MODEL_BYTES } from './onnx-reader.ts';
import { GRAPH_FORMAT, type GraphDocument } from '../../protocol/graph-document.ts';
import { METADATA_DOCUMENT_KEY, METADATA_FORMAT_KEY } from '../../export/params/parameter-export.ts';

/** Reads `length` bytes (to the end when undefined) at `offset` of a file beside the model. */
function externalReader(folder: string) {
  return (location: string, offset: number, length: number | undefined): Uint8Array => {
    const file = join(folder, location);
    let size: number;
    try {
      size = statSync(file).size;
    } catch {
      throw onnxExternalErrors.missing(location, folder);
    }
    const n = length ?? size - offset;
    if (offset + n > size || n < 0) throw onnxExternalErrors.short(location, size, n, offset);
    const out = new Uint8Array(n);
    const fd = openSync(file, 'r');
    try {
      for (let at = 0; at < n;) at += readSync(fd, out, at, n - at, offset + at) || n;
    } finally {
      closeSync(fd);
    }
    return out;
  };
}

export interface ImportFileResult {
  document: GraphDocument;
  report: ImportReport;
  parametersFile: string | null;
  parameters: number;
}

/**
 * Imports `path`; with `paramsOut`, writes the values there as .safetensors (the document then
 * loads them with loadParameters, and the file alone opens as the model: the document is embedded).
 * @example await importOnnxFile('resnet18.onnx', { paramsOut: 'resnet18.safetensors' });
 */
export async function importOnnxFile(path: string, opts: Omit<ImportOptions, 'readExternal'> & { paramsOut?: string } = {}): Promise<ImportFileResult> {
  const size = statSync(path).size;
  if (size > MAX_MODEL_BYTES) throw onnxReadErrors.modelTooLarge(path, size);
  const bytes = await readFile(path);
  const { document, parameters, report } = importOnnx(bytes, { ...opts, readExternal: externalReader(dirname(path)) });
  // The document rides along in __metadata__ as exportParameters writes it, so the file alone opens as the model.
  const metadata = { [METADATA_FORMAT_KEY]: GRAPH_FORMAT, [METADATA_DOCUMENT_KEY]: JSON.stringify(document) };
  if (opts.paramsOut) await writeArrayFile(opts.paramsOut, Object.fromEntries(parameters), { format: 'safetensors', metadata });
  return { document, report, parametersFile: opts.paramsOut ?? null, parameters: parameters.length };
}
