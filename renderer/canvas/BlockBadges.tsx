// What a block instance or repeat shows besides its name: whether it shares its definition's
// parameters, a repeat's ×N with an expand/collapse switch (expanded: a read-only list of its
// copies, of a definition or of an inline sequence), and the small badges that put a problem on
// the port it names.
import type { MouseEvent } from 'react';
import type { GraphNode } from '../../engine/protocol/graph-document.ts';
import type { ProblemInfo } from '../../engine/protocol/service-api.ts';
import { isCollapsed, repeatLayers, setCollapsed } from '../graph/repeat-ops.ts';
import { selectBody, selectShapePrefix } from '../store/block-slice.ts';
import { useEditor, useEditorHandles } from '../store/editor-context.tsx';

/** Copies listed in an expanded repeat before "… N more". */
const MAX_LISTED_COPIES = 12;

function RepeatCopies({ node }: { node: GraphNode }) {
  const prefix = useEditor(selectShapePrefix);
  const blocks = useEditor((s) => s.document.blocks);
  const count = node.count ?? 0;
  const layers = repeatLayers({ blocks }, node);
  const shapes = useEditor((s) => s.shapes?.nodes);
  // Each copy's layer names as the engine gives them (a tied parameter's name would say its
  // owner's layer, not this one). Without them (the graph has errors) the copies are not listed
  // one by one: the definition's names would repeat N times and read as N copies of the same layers.
  const copyName = (i: number, id: string) => shapes?.[`${prefix}${node.id}#${i}/${id}`]?.name;
  const named = layers.length > 0 && layers.every((n) => copyName(0, n.id) !== undefined);
  const rows = named ? Array.from({ length: Math.min(count, MAX_LISTED_COPIES) }, (_, i) => layers.map((n) => copyName(i, n.id) ?? '?').join(' → ')) : [];
  // An inline sequence has no definition yet: double-click makes one (same layer names) and opens it.
  const edit = node.block ?? 'its layers as a block';
  return (
    <div className="repeat-copies nodrag" data-testid={`repeat-copies-${node.name}`}>
      <div className="repeat-copies-note muted">expanded view (read-only) · double-click to edit {edit}</div>
      {named ? (
        <ol>
          {rows.map((text, i) => (
            <li key={i} className="mono" data-testid="repeat-copy">
              {text || node.block}
            </li>
          ))}
        </ol>
      ) : (
        <div className="muted" data-testid="repeat-copies-unnamed">
          ×{count} of <span className="mono">{layers.map((n) => n.name).join(' → ') || node.block}</span>; each copy&apos;s names show once the graph has no
          errors
        </div>
      )}
      {named && count > MAX_LISTED_COPIES && <div className="muted">… {count - MAX_LISTED_COPIES} more</div>}
    </div>
  );
}

export function BlockBadges({ node }: { node: GraphNode }) {
  const { store } = useEditorHandles();
  const collapsed = useEditor((s) => isCollapsed(selectBody(s), node.id));
  if (node.kind !== 'BlockInstance' && node.kind !== 'Repeat') return null;
  const shared = node.shareParams === true;
  const toggle = (event: MouseEvent) => {
    // The switch is not a click on the node: no selection change with the edit.
    event.stopPropagation();
    const state = store.getState();
    state.commitBody(setCollapsed(selectBody(state), node.id, !collapsed));
  };
  return (
    <>
      <div className="block-badges">
        {node.kind === 'Repeat' && (
          <span className="repeat-count mono" data-testid={`repeat-count-${node.name}`}>
            ×{node.count ?? '?'}
          </span>
        )}
        <span
          className={`share-badge ${shared ? 'shared' : 'own'}`}
          data-testid={`share-${node.name}`}
          title={shared ? 'every use of the definition holds the same parameters' : 'this use has parameters of its own'}
        >
          {shared ? 'shared params' : 'own params'}
        </span>
        {node.kind === 'Repeat' && (node.block !== undefined || node.sequence !== undefined) && (
          <button type="button" className="repeat-toggle nodrag" data-testid={`repeat-toggle-${node.name}`} onClick={toggle} aria-expanded={!collapsed}>
            {collapsed ? 'expand' : 'collapse'}
          </button>
        )}
      </div>
      {node.kind === 'Repeat' && !collapsed && <RepeatCopies node={node} />}
    </>
  );
}

/** A badge at a port's handle for the problems that name that port. */
export function PortBadge({ port, side, top, problems }: { port: string; side: 'in' | 'out'; top: string; problems: readonly ProblemInfo[] }) {
  const mine = problems.filter((p) => p.port === port);
  if (mine.length === 0) return null;
  const error = mine.some((p) => p.severity === 'error');
  return (
    <span
      className={`port-badge port-badge-${side} ${error ? 'error' : 'warning'}`}
      style={{ top }}
      data-testid={`port-badge-${port}`}
      title={mine.map((p) => p.message).join('\n')}
    >
      {error ? '!' : '?'}
    </span>
  );
}
