// The palette: every kind of the engine's catalog, grouped by category and searchable, then the
// structure entries (a new block, repeat, Sequential, Concurrent) and the document's own block
// definitions. Items are dragged onto the canvas (HTML drag and drop carrying a PaletteDrop's text).
import { useMemo, useState, type DragEvent } from 'react';
import { PALETTE_MIME } from '../canvas/Canvas.tsx';
import { paletteGroups } from '../graph/catalog.ts';
import { definitionEntries, paletteDropText, STRUCTURE_ENTRIES, type PaletteDrop } from '../graph/palette-blocks.ts';
import { useEditor } from '../store/editor-context.tsx';

function onDragStart(event: DragEvent, drop: PaletteDrop) {
  event.dataTransfer.setData(PALETTE_MIME, paletteDropText(drop));
  event.dataTransfer.effectAllowed = 'copy';
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

export function Palette() {
  const catalog = useEditor((s) => s.catalog);
  const nodes = useEditor((s) => s.document.nodes);
  const blocks = useEditor((s) => s.document.blocks);
  const [search, setSearch] = useState('');
  const groups = useMemo(() => paletteGroups(catalog, search), [catalog, search]);
  const definitions = useMemo(() => definitionEntries({ nodes, blocks }, search), [nodes, blocks, search]);
  const needle = search.trim().toLowerCase();
  const structures = STRUCTURE_ENTRIES.filter((s) => !needle || s.structure.toLowerCase().includes(needle) || s.doc.toLowerCase().includes(needle));
  return (
    <aside className="palette" aria-label="Palette">
      <input
        className="palette-search"
        type="search"
        placeholder="Search layers"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
        aria-label="Search layers"
      />
      {groups.map((g) => (
        <section key={g.category} className="palette-group">
          <h3>{g.title}</h3>
          <ul>
            {g.entries.map((e) => (
              <li
                key={e.kind}
                className={`palette-item cat-${e.category}`}
                draggable
                onDragStart={(ev) => onDragStart(ev, { type: 'layer', kind: e.kind })}
                title={e.doc}
                data-testid={`palette-${e.kind}`}
              >
                {e.kind}
              </li>
            ))}
          </ul>
        </section>
      ))}
      {groups.length === 0 && <p className="muted">{catalog.layers.length ? 'No layer matches.' : 'Waiting for the engine…'}</p>}
      {structures.length > 0 && (
        <section className="palette-group" data-testid="palette-structures">
          <h3>New blocks</h3>
          <ul>
            {structures.map((s) => (
              <li
                key={s.structure}
                className="palette-item cat-block"
                draggable
                onDragStart={(ev) => onDragStart(ev, { type: 'structure', structure: s.structure })}
                title={s.doc}
                data-testid={`palette-structure-${s.structure}`}
              >
                {s.structure}
              </li>
            ))}
          </ul>
        </section>
      )}
      {definitions.length > 0 && (
        <section className="palette-group" data-testid="palette-definitions">
          <h3>Blocks in this document</h3>
          <ul>
            {definitions.map((d) => (
              <li
                key={d.blockId}
                className="palette-item cat-block"
                draggable
                onDragStart={(ev) => onDragStart(ev, { type: 'block', blockId: d.blockId })}
                title={`A new instance of ${d.blockId} with its own parameters (used ${plural(d.uses, 'time')} now)`}
                data-testid={`palette-block-${d.blockId}`}
              >
                {d.title}{' '}
                <span className="palette-ports muted">
                  {d.inputs} in · {d.outputs} out
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </aside>
  );
}
