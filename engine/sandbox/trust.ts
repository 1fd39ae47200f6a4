// Whether this engine process may run code from documents (VS Code's restricted mode is the
// model): off until the user (the editor's prompt, the CLI's --trust, a test) turns it on, so a
// document opened, validated or shape-checked never runs its code before someone agreed.

import { CodeError } from './code-error.ts';

let trusted = false;

/** Allows (or, with false, forbids again) running code blocks in this process. */
export function trustCode(on = true): void {
  trusted = on;
}

export function codeTrusted(): boolean {
  return trusted;
}

/** Throws E_CODE_UNTRUSTED naming the node unless code may run. */
export function requireTrust(node: string): void {
  if (!trusted) {
    throw new CodeError('E_CODE_UNTRUSTED', node, null, 'this document contains code, which runs only after you trust it ' +
      '(the editor asks when the document opens; the CLI needs --trust).');
  }
}
