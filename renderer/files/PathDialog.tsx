// The browser's stand-in for a native file dialog: a path typed (or picked from the recent files)
// that the engine then reads or writes. Relative paths are resolved by the engine against its
// working folder (where the web host was started).
import { useState, type FormEvent } from 'react';
import { useFiles } from './files-context.tsx';

export function PathDialog() {
  const prompt = useFiles((s) => s.pathPrompt);
  const recent = useFiles((s) => s.recent);
  if (!prompt) return null;
  // Keyed by the prompt so a new question starts from its own initial path.
  return (
    <PathForm key={`${prompt.mode}:${prompt.initial}`} mode={prompt.mode} initial={prompt.initial} recent={recent.map((r) => r.path)} onDone={prompt.resolve} />
  );
}

function PathForm({ mode, initial, recent, onDone }: { mode: 'open' | 'save'; initial: string; recent: string[]; onDone: (path: string | null) => void }) {
  const [path, setPath] = useState(initial);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (path.trim()) onDone(path);
  };
  const label = mode === 'open' ? 'Open' : 'Save';
  return (
    <div className="overlay" role="dialog" aria-label={mode === 'open' ? 'Open a document' : 'Save the document as'} onClick={() => onDone(null)}>
      <form
        className="overlay-card path-dialog"
        onClick={(e) => e.stopPropagation()}
        onSubmit={submit}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onDone(null);
        }}
      >
        <h2>{mode === 'open' ? 'Open a document' : 'Save the document as'}</h2>
        <label className="field">
          <span>file path</span>
          <input
            className="mono"
            value={path}
            onChange={(e) => setPath(e.target.value)}
            autoFocus
            list="path-dialog-recent"
            placeholder="/home/me/models/mlp.json"
            aria-label="File path"
            spellCheck={false}
          />
        </label>
        <datalist id="path-dialog-recent">
          {recent.map((p) => (
            <option key={p} value={p} />
          ))}
        </datalist>
        <p className="muted">The engine {mode === 'open' ? 'reads' : 'writes'} this path; a relative path starts in the folder the editor was started from.</p>
        <div className="dialog-buttons">
          <button type="button" onClick={() => onDone(null)}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={!path.trim()}>
            {label}
          </button>
        </div>
      </form>
    </div>
  );
}
