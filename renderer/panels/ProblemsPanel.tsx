// The problems list: every validation and shape problem; clicking one selects its node (going
// back out to the main graph when the node is there).
import { selectBlockId, selectBody } from '../store/block-slice.ts';
import { useEditor, useEditorHandles } from '../store/editor-context.tsx';

export function ProblemsPanel() {
  const { store } = useEditorHandles();
  const problems = useEditor((s) => s.problems);
  const mainNodes = useEditor((s) => s.document.nodes);
  const bodyNodes = useEditor((s) => selectBody(s).nodes);
  const blockId = useEditor(selectBlockId);
  const pick = (p: (typeof problems)[number], id: string) => {
    const state = store.getState();
    if (p.blockId === undefined && blockId !== undefined) state.leaveTo(0);
    state.select([id]);
  };
  if (problems.length === 0) return <p className="muted panel-empty" data-testid="no-problems">No problems.</p>;
  return (
    <ul className="problems" data-testid="problems">
      {problems.map((p, i) => {
        const nodes = p.blockId === blockId ? bodyNodes : p.blockId === undefined ? mainNodes : [];
        const node = nodes.find((n) => n.id === p.nodeId);
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
