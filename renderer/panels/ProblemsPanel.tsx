// The problems list: every validation and shape problem; clicking one selects its node.
import { useEditor, useEditorHandles } from '../store/editor-context.tsx';

export function ProblemsPanel() {
  const { store } = useEditorHandles();
  const problems = useEditor((s) => s.problems);
  const nodes = useEditor((s) => s.document.nodes);
  if (problems.length === 0) return <p className="muted panel-empty" data-testid="no-problems">No problems.</p>;
  return (
    <ul className="problems" data-testid="problems">
      {problems.map((p, i) => {
        const node = p.blockId === undefined ? nodes.find((n) => n.id === p.nodeId) : undefined;
        return (
          <li key={i} className={`problem ${p.severity}`}>
            <button type="button" disabled={!node} onClick={() => node && store.getState().select([node.id])}>
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
