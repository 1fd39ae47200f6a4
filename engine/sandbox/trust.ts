// Whether this engine process may run a code block's source (VS Code's restricted mode is the
// model): code runs when the user trusted the document it came from (the editor's prompt, the
// CLI's --trust, a test), or when it is one of the examples shipped with Blocksmith. A document
// opened, validated or shape-checked never runs code nobody agreed to.

import { CodeError } from './code-error.ts';

let all = false;
const sources = new Set<string>();
/** Bumped whenever trust changes: a document's problems remembered before (engine/graph/validated.ts) may differ now. */
let epoch = 0;

export function trustEpoch(): number {
  return epoch;
}

/** Allows (or, with false, forbids again) running every code block in this process. */
export function trustCode(on = true): void {
  if (all !== on) epoch++;
  all = on;
}

/** Trusts these sources only (a document's code blocks, once the user agreed; the shipped examples). */
export function trustSources(list: Iterable<string>): void {
  for (const s of list) {
    if (!sources.has(s)) epoch++;
    sources.add(s);
  }
}

export function codeTrusted(source: string): boolean {
  return all || sources.has(source);
}

/** Throws E_CODE_UNTRUSTED naming the node unless this source may run. */
export function requireTrust(node: string, source: string): void {
  if (!codeTrusted(source)) {
    throw new CodeError(
      'E_CODE_UNTRUSTED',
      node,
      null,
      'this document contains code, which runs only after you trust it ' + '(the editor asks when the document opens; the CLI needs --trust).',
    );
  }
}
