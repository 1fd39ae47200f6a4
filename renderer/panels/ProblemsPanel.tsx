// The problems list: every validation and shape problem; clicking one selects its node, opening
// the level it is on first (back out to the main graph, or into the definition it is in).
import { pathToBlock } from '../graph/body-view.ts';
import { selectBlockId, selectBody, selectEditPath } from '../store/block-slice.ts';
import { useEditor, useEditorHandles } from '../store/editor-context.tsx';

export function ProblemsPanel() {
  const { store } = useEditorHandles();
  const problems = useEditor((s) => s.problems);
  const doc = useEditor((s) => s.document);
  const bodyNodes = useEditor((s) => selectBody(s).nodes);
  const blockId = useEditor(selectBlockId);
  // A problem inside a definition names a node of that definition: it is found there whichever
  // level is shown, and a click opens that definition (through its first use) to select it.
  const nodesOf = (id: string | undefined) => id === blockId ? bodyNodes : id === undefined ? doc.nodes : doc.blocks.find((b) => b.id === id)?.nodes ?? [];
  const pick = (p: (typeof problems)[number], id: string) => {
    const state = store.getState();
    if (p.blockId !== blockId) {
      const current = selectEditPath(state);
      const depth = current.findIndex((l) => l.blockId === p.blockId);
      const path = depth >= 0 ? current.slice(0, depth + 1) : pathToBlock(state.document, p.blockId);
      if (!path) return;
      store.setState({ editPath: [...path] });
    }
    state.select([id]);
  };
  if (problems.length === 0) return <p className="muted panel-empty" data-testid="no-problems">No problems.</p>;
  return (
    <ul className="problems" data-testid="problems">
      {problems.map((p, i) => {
        const node = nodesOf(p.blockId).find((n) => n.id === p.nodeId);
        return (
          <li key={i} className={`problem ${p.severity}`}>
            <button type="button" disabled={!node} onClick={() => node && pick(p, node.id)}>
              <span className="problem-code mono">{p.code}</span>
              {node && <span className="problem-place mono">{node.name}</span>}
              {p.blockId && <span className="problem-place mono">in {p.blockId}</span>}
              <span className="problem-message">{p.message}</span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
