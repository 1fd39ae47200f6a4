// Code from an opened document runs only once the person agrees (VS Code's restricted mode is the
// model). A document opened from a file, an example, a recovery or a drop starts restricted when
// it holds Code nodes; the engine session then asks the engine which of them are untrusted (its
// openDocument answer lists them) and this slice holds that list for the prompt. A new document,
// and code the person writes in it, is theirs: trusted.
import type { StateCreator } from 'zustand/vanilla';
import type { GraphDocument } from '../../engine/protocol/graph-document.ts';
import type { MethodResult } from '../../engine/protocol/service-api.ts';
import type { EditorState } from './editor-state.ts';

export type CodeListing = NonNullable<MethodResult<'openDocument'>['code']>[number];

export interface CodeTrustSlice {
  /** 'trusted': the document's code may run; 'restricted': not until the person agrees. */
  codeTrust: 'trusted' | 'restricted';
  /** The code the engine will not run yet (what the prompt shows); null when none waits. */
  codeReview: CodeListing[] | null;
  /** Whether the prompt shows (closed by "Keep restricted", opened again from the canvas banner). */
  codePromptOpen: boolean;
  setCodeTrust(patch: Partial<Pick<CodeTrustSlice, 'codeTrust' | 'codeReview' | 'codePromptOpen'>>): void;
}

/** Whether a document holds code anywhere (its main graph or a block definition). */
export const holdsCode = (doc: Pick<GraphDocument, 'nodes' | 'blocks'>): boolean =>
  doc.nodes.some((n) => n.kind === 'Code') || doc.blocks.some((b) => b.nodes.some((n) => n.kind === 'Code'));

/** What opening a document sets: restricted when it holds code, until the engine says it is all trusted. */
export const trustOnOpen = (doc: GraphDocument): Pick<CodeTrustSlice, 'codeTrust' | 'codeReview' | 'codePromptOpen'> => ({
  codeTrust: holdsCode(doc) ? 'restricted' : 'trusted',
  codeReview: null,
  codePromptOpen: false,
});

export const codeTrustSlice: StateCreator<EditorState, [], [], CodeTrustSlice> = (set) => ({
  codeTrust: 'trusted',
  codeReview: null,
  codePromptOpen: false,
  setCodeTrust: (patch) => set(patch),
});
