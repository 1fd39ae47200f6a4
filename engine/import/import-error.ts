// The one error the importers raise: a code, the place it is about (a node name, a tensor, a byte
// offset) and a message that says what cannot be read or imported and why.

export type ImportErrorCode =
  /** Not an ONNX model, truncated, or a field that breaks the format. */
  | 'E_IMPORT_FORMAT'
  /** Over the 2 GB a model may hold (protobuf's own limit), or a tensor larger than its data. */
  | 'E_IMPORT_TOO_LARGE'
  /** Operators or patterns with no layer kind: the message lists them with counts and node names. */
  | 'E_IMPORT_UNSUPPORTED'
  /** An opset outside 7..21, or an operator domain the importer does not read. */
  | 'E_IMPORT_OPSET'
  /** An external-data file that is missing or shorter than the model says. */
  | 'E_IMPORT_EXTERNAL'
  /** Weights whose names or shapes do not fit the document (foreign weights). */
  | 'E_IMPORT_WEIGHTS';

export class ImportError extends Error {
  readonly code: ImportErrorCode;
  /** The node, tensor or byte offset the problem is about, or '' for the whole file. */
  readonly place: string;

  constructor(code: ImportErrorCode, place: string, message: string) {
    super(message);
    this.name = 'ImportError';
    this.code = code;
    this.place = place;
  }
}
