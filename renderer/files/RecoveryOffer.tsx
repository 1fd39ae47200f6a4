// Shown at start when an earlier session left unsaved changes in the recovery slot (autosave):
// restore them or discard them. Until then autosave does not overwrite them.
import { useFileController, useFiles } from './files-context.tsx';

export function RecoveryOffer() {
  const offer = useFiles((s) => s.recoveryOffer);
  const controller = useFileController();
  if (!offer) return null;
  const when = new Date(offer.savedAt).toLocaleString();
  return (
    <div className="overlay" role="dialog" aria-label="Recover unsaved changes">
      <div className="overlay-card" data-testid="recovery-offer">
        <h2>Recover unsaved changes from {when}?</h2>
        <p>
          <span className="mono">{offer.filePath ?? offer.fileName}</span> had changes that were not saved ({offer.document.nodes.length}{' '}
          {offer.document.nodes.length === 1 ? 'node' : 'nodes'}) when the editor last closed.
        </p>
        <div className="dialog-buttons">
          <button type="button" onClick={() => controller.discardRecovery()}>
            Discard
          </button>
          <button type="button" className="primary" autoFocus onClick={() => controller.restoreRecovery()}>
            Restore
          </button>
        </div>
      </div>
    </div>
  );
}
