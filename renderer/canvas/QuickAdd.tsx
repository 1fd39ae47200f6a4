// Quick-add: type a kind's name where you double-clicked and press Enter (first match wins).
import { useMemo, useState, type KeyboardEvent } from 'react';
import { paletteGroups } from '../graph/catalog.ts';
import { useEditor } from '../store/editor-context.tsx';

export function QuickAdd({ at, onPick, onClose }: { at: { x: number; y: number }; onPick: (kind: string) => void; onClose: () => void }) {
  const catalog = useEditor((s) => s.catalog);
  const [text, setText] = useState('');
  const matches = useMemo(
    () =>
      paletteGroups(catalog, text)
        .flatMap((g) => g.entries)
        .slice(0, 8),
    [catalog, text],
  );
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') onClose();
    if (e.key === 'Enter' && matches[0]) onPick(matches[0].kind);
  };
  return (
    <div className="quick-add" style={{ left: at.x, top: at.y }} data-testid="quick-add">
      <input
        autoFocus
        placeholder="Add a layer…"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
        onBlur={onClose}
        aria-label="Add a layer by name"
      />
      {/* Enter with no match adds nothing: say so rather than leave the key unanswered. */}
      {matches.length === 0 && text.trim() !== '' && (
        <p className="muted" role="status" data-testid="quick-add-none">
          No layer kind matches “{text.trim()}”
        </p>
      )}
      <ul>
        {matches.map((m) => (
          <li key={m.kind}>
            <button
              type="button"
              onMouseDown={(e) => {
                e.preventDefault();
                onPick(m.kind);
              }}
            >
              {m.kind}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
