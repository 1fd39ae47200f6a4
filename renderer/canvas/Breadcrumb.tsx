// Where the canvas is: main › block2 › block1 while a definition is being edited; each step
// leads back out to that level. Hidden on the main graph.
import { useShallow } from 'zustand/react/shallow';
import { selectEditPath } from '../store/block-slice.ts';
import { useEditor, useEditorHandles } from '../store/editor-context.tsx';

export function Breadcrumb() {
  const { store } = useEditorHandles();
  const path = useEditor(useShallow((s) => selectEditPath(s).map((l) => l.blockId)));
  if (path.length === 0) return null;
  const steps = ['main', ...path];
  return (
    <nav className="breadcrumb" aria-label="Editing" data-testid="breadcrumb">
      {steps.map((label, depth) => (
        <span key={`${depth}-${label}`} className="breadcrumb-step">
          {depth > 0 && (
            <span className="breadcrumb-sep" aria-hidden="true">
              ›
            </span>
          )}
          {depth === steps.length - 1 ? (
            <span className="breadcrumb-here mono" aria-current="location">
              {label}
            </span>
          ) : (
            <button type="button" className="breadcrumb-link mono" onClick={() => store.getState().leaveTo(depth)}>
              {label}
            </button>
          )}
        </span>
      ))}
      <span className="breadcrumb-hint muted">editing the definition: every use of {path.at(-1)} changes</span>
    </nav>
  );
}
