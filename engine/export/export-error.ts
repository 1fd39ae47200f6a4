// The one error the exporters raise: a code, the node it is about (its path, as ShapeReport keys
// it) and a message that says what cannot be exported and why.

export type ExportErrorCode = 'E_EXPORT_UNSUPPORTED' | 'E_EXPORT_SHAPE' | 'E_EXPORT_FILE' | 'E_EXPORT_JOB';

export class ExportError extends Error {
  readonly code: ExportErrorCode;
  /** The node's path (`nest/fancy`), or '' when the problem is not a node's. */
  readonly node: string;

  constructor(code: ExportErrorCode, node: string, message: string) {
    super(message);
    this.name = 'ExportError';
    this.code = code;
    this.node = node;
  }
}
