// importModel: an ONNX model file → a graph document and a .safetensors of its values
// (engine/import/onnx). The editor opens the document and loads the values from parametersFile,
// as it does for a .safetensors model file. A dropped file comes as bytes (it has no path): it and
// its values go to a fresh temporary folder.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { importOnnxFile } from '../../import/onnx/import-file.ts';
import { fileErrors } from '../file-errors.ts';
import type { Handler } from '../dispatcher.ts';

export const importModel: Handler<'importModel'> = async (params) => {
  let path = resolve(params.path);
  if (params.data !== undefined) {
    const folder = await mkdtemp(join(tmpdir(), 'blocksmith-import-'));
    path = join(folder, basename(params.path).replace(/[^A-Za-z0-9_.-]/g, '_') || 'model.onnx');
    await writeFile(path, Buffer.from(params.data, 'base64'));
  }
  const paramsOut = params.parametersPath && params.data === undefined ? resolve(params.parametersPath) : path.replace(/\.onnx$/i, '') + '.safetensors';
  try {
    const r = await importOnnxFile(path, { paramsOut, ...(params.partial ? { partial: true } : {}) });
    return { document: r.document, parametersFile: r.parametersFile, report: r.report };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw fileErrors.missing(path);
    throw error;
  }
};
