// The palette: every kind of the engine's catalog, grouped by category and searchable. Items are
// dragged onto the canvas (HTML drag and drop carrying the kind).
import { useMemo, useState, type DragEvent } from 'react';
import { PALETTE_MIME } from '../canvas/Canvas.tsx';
import { paletteGroups } from '../graph/catalog.ts';
import { useEditor } from '../store/editor-context.tsx';

function onDragStart(event: DragEvent, kind: string) {
  event.dataTransfer.setData(PALETTE_MIME, kind);
  event.dataTransfer.effectAllowed = 'copy';
}

export function Palette() {
  const catalog = useEditor((s) => s.catalog);
  const [search, setSearch] = useState('');
  const groups = useMemo(() => paletteGroups(catalog, search), [catalog, search]);
  return (
    <aside className="palette" aria-label="Palette">
      <input className="palette-search" type="search" placeholder="Search layers" value={search} onChange={(e) => setSearch(e.target.value)} aria-label="Search layers" />
      {groups.map((g) => (
        <section key={g.category} className="palette-group">
          <h3>{g.title}</h3>
          <ul>
            {g.entries.map((e) => (
              <li key={e.kind} className={`palette-item cat-${e.category}`} draggable onDragStart={(ev) => onDragStart(ev, e.kind)} title={e.doc} data-testid={`palette-${e.kind}`}>
                {e.kind}
              </li>
            ))}
          </ul>
        </section>
      ))}
      {groups.length === 0 && <p className="muted">{catalog.layers.length ? 'No layer matches.' : 'Waiting for the engine…'}</p>}
    </aside>
  );
}
