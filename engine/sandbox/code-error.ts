// The coded error of a code block: which failure, the node, and the line of its source.

export type CodeErrorCode = 'E_CODE_SYNTAX' | 'E_CODE_EXCEPTION' | 'E_CODE_TIMEOUT' | 'E_CODE_STOPPED' | 'E_CODE_UNTRUSTED';

/** An error in a code block: the node, and the line of its source when one is known. */
export class CodeError extends Error {
  constructor(
    readonly code: CodeErrorCode,
    readonly node: string,
    readonly line: number | null,
    readonly detail: string,
  ) {
    super(`${code} in code block '${node}'${line === null ? '' : ` at line ${line}`}: ${detail}`);
    this.name = 'CodeError';
  }
}
