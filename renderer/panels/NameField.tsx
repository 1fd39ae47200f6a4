// A node's name: edited as text, applied on Enter or blur when it is a free identifier.
import { useEffect, useState } from 'react';
import { renameNode } from '../graph/document-ops.ts';
import { selectBody } from '../store/block-slice.ts';
import { useEditorHandles } from '../store/editor-context.tsx';

export function NameField({ nodeId, name }: { nodeId: string; name: string }) {
  const { store } = useEditorHandles();
  const [text, setText] = useState(name);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setText(name);
    setError(null);
  }, [name, nodeId]);
  const apply = () => {
    if (text === name) return;
    const result = renameNode(selectBody(store.getState()), nodeId, text);
    if (result.ok) store.getState().commitBody(result.doc);
    setError(result.ok ? null : result.reason);
  };
  return (
    <label className="field">
      <span>name</span>
      <input
        className="mono"
        aria-label="Node name"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onBlur={apply}
        onKeyDown={(e) => {
          if (e.key === 'Enter') apply();
          if (e.key === 'Escape') setText(name);
        }}
        aria-invalid={error !== null}
      />
      {error && (
        <em className="field-error" role="alert">
          {error}
        </em>
      )}
    </label>
  );
}
