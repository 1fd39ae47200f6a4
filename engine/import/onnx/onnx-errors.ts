// The coded errors of the ONNX importer (the reader, the layer reading, the import and its model
// file): each factory gives the code, the place (a node, a tensor, a file, or '' for the whole
// model) and the text a person reads, so the logic that raises them holds no message text (as
// engine/service/*-errors.ts).
import { ImportError } from '../import-error.ts';

/** A break of the format at `place` (the model, the graph, a node, a tensor, an attribute; '': the file). */
const invalid = (place: string, detail: string): ImportError => new ImportError('E_IMPORT_FORMAT', place, `not a valid ONNX model: ${detail}`);
const TOO_LARGE = 'models over 2 GB are refused (store the weights as external data)';

/** The bytes of the model (onnx-reader.ts): protobuf fields, tensors, attributes, opsets. */
export const onnxReadErrors = {
  malformed: (what: string, cause: string) => invalid(what, `${what} is malformed (${cause})`),
  wireType: (what: string, field: number) => invalid(what, `field ${field} of ${what} has the wrong wire type`),
  notInteger: (what: string, field: number) => invalid(what, `field ${field} of ${what} is not an integer`),
  packedInts: (what: string, cause: string) => invalid(what, `packed ints of ${what} are malformed (${cause})`),
  packedFloats: (what: string) => invalid(what, `packed floats of ${what} are not a multiple of 4 bytes`),
  notFloats: (what: string, field: number) => invalid(what, `field ${field} of ${what} is not float data`),
  empty: () => invalid('', 'the file is empty'),
  noGraph: () => invalid('', 'it has no graph (is this an ONNX file?)'),
  /** The model (place '': its bytes) or its file (place: the path) is over 2 GB. */
  modelTooLarge: (place: string, bytes: number) => new ImportError('E_IMPORT_TOO_LARGE', place, `${place || 'the model'} is ${bytes} bytes; ${TOO_LARGE}`),
  opset: (opset: number, min: number, max: number) =>
    new ImportError('E_IMPORT_OPSET', '', `the model uses opset ${opset || 'none'}; opsets ${min} to ${max} are read (convert it with onnx.version_converter)`),
  sparseInitializers: () => new ImportError('E_IMPORT_UNSUPPORTED', '', 'the model has sparse initializers, which are not read'),
  rawBytes: (name: string, bytes: number, count: number, size: number) =>
    new ImportError('E_IMPORT_FORMAT', name, `tensor '${name}' holds ${bytes} bytes, but its shape needs ${count} × ${size} = ${count * size}`),
  tensorValues: (name: string, values: number, count: number) =>
    new ImportError('E_IMPORT_FORMAT', name, `tensor '${name}' holds ${values} values, but its shape needs ${count}`),
  tensorDtype: (name: string, dtype: string | number) =>
    new ImportError('E_IMPORT_UNSUPPORTED', name, `tensor '${name}' has data type ${dtype}, which has no engine form`),
  tensorShape: (name: string, shape: readonly number[]) =>
    new ImportError('E_IMPORT_FORMAT', name, `tensor '${name}' has an invalid shape (${shape.join(', ')})`),
  tensorTooLarge: (name: string, shape: readonly number[]) =>
    new ImportError('E_IMPORT_TOO_LARGE', name, `tensor '${name}' (${shape.join(' × ')}) is over 2 GB`),
  functionAttribute: (node: string, name: string) =>
    new ImportError('E_IMPORT_UNSUPPORTED', `${node}.${name}`, `attribute '${name}' of node '${node}' refers to a function attribute`),
};

/** External data: the tensors' locations (onnx-reader.ts) and the files beside the model (import-file.ts). */
export const onnxExternalErrors = {
  outside: (name: string, location: string) =>
    new ImportError('E_IMPORT_EXTERNAL', name, `tensor '${name}' names the external file '${location}'; only files beside the model are read`),
  noFile: (name: string, location: string) =>
    new ImportError(
      'E_IMPORT_EXTERNAL',
      name,
      `tensor '${name}' is in the external file '${location}'; import the model from its file so the file beside it can be read`,
    ),
  byteCounts: (name: string) => new ImportError('E_IMPORT_EXTERNAL', name, `tensor '${name}': external offset/length are not valid byte counts`),
  missing: (location: string, folder: string) =>
    new ImportError('E_IMPORT_EXTERNAL', location, `the external data file '${location}' is not beside the model (${folder})`),
  short: (location: string, size: number, n: number, offset: number) =>
    new ImportError('E_IMPORT_EXTERNAL', location, `'${location}' is ${size} bytes; the model reads ${n} bytes at offset ${offset}`),
};

/** Reading the graph as layers (onnx-layers.ts) and building the document (onnx-import.ts). */
export const onnxGraphErrors = {
  noInput: () => new ImportError('E_IMPORT_FORMAT', '', 'the model has no graph input (every value is an initializer)'),
  inputs: (names: readonly string[]) =>
    new ImportError('E_IMPORT_UNSUPPORTED', names[1] ?? '', `the model has ${names.length} inputs (${names.join(', ')}); documents take one`),
  shapesMisfit: (node: string, opType: string, kind: string, why: string) =>
    new ImportError('E_IMPORT_UNSUPPORTED', node, `node '${node}' (${opType}) read as ${kind} does not fit its input shapes: ${why}`),
  order: (node: string, missing: string) =>
    new ImportError(
      'E_IMPORT_FORMAT',
      node,
      `node '${node}' reads '${missing}' before any node makes it (the graph is not in topological order, or the value does not exist)`,
    ),
  /** `gaps`: the node count; `listing`: the unsupported operators with their counts and nodes, one a line. */
  unsupported: (firstNode: string, gaps: number, listing: string) =>
    new ImportError(
      'E_IMPORT_UNSUPPORTED',
      firstNode,
      `the model cannot be imported: ${gaps} node(s) have no layer kind (import with --partial to keep the rest):\n${listing}`,
    ),
  noValue: (where: string, param: string, kind: string) =>
    new ImportError('E_IMPORT_FORMAT', where, `internal: no value for ${param} (${kind} from the model)`),
};
