// Opens a .safetensors file written by exportParameters as a model: the document from its
// `__metadata__`, parsed and validated like any document, built, and the file's values loaded.

import { readArrayFileInfo } from '../../io/array-file.ts';
import { parseDocument } from '../../graph/parse.ts';
import { GraphError, hasErrors } from '../../graph/problems.ts';
import type { BuiltModel } from '../../graph/build.ts';
import { GRAPH_FORMAT, type GraphDocument } from '../../protocol/graph-document.ts';
import { ExportError } from '../export-error.ts';
import { prepareModel } from '../prepare-model.ts';
import { METADATA_DOCUMENT_KEY, METADATA_FORMAT_KEY } from './parameter-export.ts';

/** The document embedded in a weight file, or an ExportError saying why there is none. */
export async function readEmbeddedDocument(path: string): Promise<GraphDocument> {
  const info = await readArrayFileInfo(path);
  const meta = info.metadata;
  if (info.format !== 'safetensors' || meta?.[METADATA_FORMAT_KEY] !== GRAPH_FORMAT || meta[METADATA_DOCUMENT_KEY] === undefined) {
    throw new ExportError(
      'E_EXPORT_FILE',
      '',
      `${path} carries no graph document (expected a .safetensors file whose ` +
        `__metadata__ has format '${GRAPH_FORMAT}' and a document, as exportParameters writes)`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(meta[METADATA_DOCUMENT_KEY]);
  } catch (error) {
    throw new ExportError('E_EXPORT_FILE', '', `${path}: the embedded document is not JSON: ${(error as Error).message}`);
  }
  const { document, problems } = parseDocument(json);
  if (!document || hasErrors(problems)) throw new GraphError(problems, `The document embedded in ${path} is invalid`);
  return document;
}

/**
 * The model a weight file remembers: its document and its parameter values.
 * @example const { document, model } = await openModelFile('mlp.safetensors'); runModel(model, [x]);
 */
export async function openModelFile(path: string): Promise<{ document: GraphDocument; model: BuiltModel }> {
  const document = await readEmbeddedDocument(path);
  return { document, model: await prepareModel(document, { params: path }) };
}
