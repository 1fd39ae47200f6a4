// The one validation of a document. parseDocument validates once and brands what it returns as a
// ValidatedDocument, remembering its problems (and, on first request, its shapes at the document's
// own input); shape inference, the model builder and export read those instead of validating the
// same document again. A plain GraphDocument (built by hand, or changed after parsing) is checked
// where it is used, as before. Trusting code blocks later can change a document's problems (its
// code's parameters become known), so remembered results are dropped when trust changes.

import type { GraphDocument } from '../protocol/graph-document.ts';
import { trustEpoch } from '../sandbox/trust.ts';
import type { Problem } from './problems.ts';

declare const VALIDATED: unique symbol;
/** A document parseDocument checked: its problems are known (errors included: it may not build). */
export type ValidatedDocument = GraphDocument & { readonly [VALIDATED]: true };

interface Check {
  epoch: number;
  problems: readonly Problem[];
  /** The memoised answers derived from the document (its shape report at its own input). */
  memo: Map<string, unknown>;
}

// Keyed by the document object: the session never changes a document it holds, it replaces it.
const checks = new WeakMap<GraphDocument, Check>();

/** Brands `doc` as validated with these problems. */
export function markValidated(doc: GraphDocument, problems: readonly Problem[]): ValidatedDocument {
  checks.set(doc, { epoch: trustEpoch(), problems: [...problems], memo: new Map() });
  return doc as ValidatedDocument;
}

function check(doc: GraphDocument): Check | undefined {
  const found = checks.get(doc);
  return found && found.epoch === trustEpoch() ? found : undefined;
}

/** The problems validation found, or `validate(doc)` when the document carries none (hand-built, or trust changed). */
export function problemsOf(doc: GraphDocument, validate: (doc: GraphDocument) => Problem[]): Problem[] {
  const found = check(doc);
  if (found) return [...found.problems];
  return validate(doc);
}

/** A value derived from a validated document, computed once per document (and trust epoch). */
export function memoOf<T>(doc: GraphDocument, key: string, compute: () => T): T {
  const found = check(doc);
  if (!found) return compute();
  if (!found.memo.has(key)) found.memo.set(key, compute());
  return found.memo.get(key) as T;
}
