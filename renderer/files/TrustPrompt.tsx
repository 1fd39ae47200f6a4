// Asks before a document's code runs (VS Code's restricted mode is the model): the prompt lists
// every code block the engine will not run yet, with its source, and the person trusts the
// document or keeps it restricted. While restricted, the canvas banner says why shapes and Run
// are missing for those nodes and reopens the prompt.
import { useEditor, useEditorHandles } from '../store/editor-context.tsx';

export function TrustPrompt() {
  const { store } = useEditorHandles();
  const review = useEditor((s) => s.codeReview);
  const open = useEditor((s) => s.codePromptOpen && s.codeTrust === 'restricted');
  const fileName = useEditor((s) => s.fileName);
  if (!open || !review) return null;
  const { setCodeTrust } = store.getState();
  return (
    <div className="overlay" role="dialog" aria-label="Trust this document's code?">
      <div className="overlay-card trust-prompt" data-testid="trust-prompt">
        <h2>Run the code in {fileName}?</h2>
        <p>
          This document contains {review.length} code {review.length === 1 ? 'block' : 'blocks'}. Code runs sandboxed, but only trust code from people you
          trust. Until you do, these nodes have no shapes and the model does not run or train.
        </p>
        <ul className="trust-code-list">
          {review.map((c) => (
            <li key={`${c.blockId ?? ''}/${c.nodeId}`}>
              <div className="mono">
                {c.name}
                {c.blockId ? <span className="muted"> in block {c.blockId}</span> : null}
              </div>
              <pre className="trust-code">{c.source}</pre>
            </li>
          ))}
        </ul>
        <div className="dialog-buttons">
          <button type="button" autoFocus onClick={() => setCodeTrust({ codePromptOpen: false })}>
            Keep restricted
          </button>
          <button type="button" className="primary" onClick={() => setCodeTrust({ codeTrust: 'trusted', codeReview: null, codePromptOpen: false })}>
            Trust and run
          </button>
        </div>
      </div>
    </div>
  );
}

/** The canvas's note while the document's code waits for the person's agreement. */
export function RestrictedBanner() {
  const { store } = useEditorHandles();
  const review = useEditor((s) => (s.codeTrust === 'restricted' ? s.codeReview : null));
  if (!review) return null;
  return (
    <div className="restricted-banner" role="status" data-testid="restricted-banner">
      Restricted mode: the code in {review.map((c) => c.name).join(', ')} has not run, so {review.length === 1 ? 'its' : 'their'} shapes are unknown and Run and
      Train are off.
      <button type="button" onClick={() => store.getState().setCodeTrust({ codePromptOpen: true })}>
        Review code…
      </button>
    </div>
  );
}
