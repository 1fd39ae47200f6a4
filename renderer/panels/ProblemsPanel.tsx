// The problems list: every validation and shape problem; clicking one selects its node, opening
// the level it is on first (back out to the main graph, or into the definition it is in).
import { selectBlockId, selectBody } from '../store/block-slice.ts';
import { focusProblem } from '../store/problem-focus.ts';
import { useEditor, useEditorHandles } from '../store/editor-context.tsx';

export function ProblemsPanel() {
  const { store } = useEditorHandles();
  const problems = useEditor((s) => s.problems);
  const doc = useEditor((s) => s.document);
  const bodyNodes = useEditor((s) => selectBody(s).nodes);
  const blockId = useEditor(selectBlockId);
  // A problem inside a definition names a node of that definition: it is found there whichever
  // level is shown, and a click opens that definition (through its first use) to select it.
  const nodesOf = (id: string | undefined) => (id === blockId ? bodyNodes : id === undefined ? doc.nodes : (doc.blocks.find((b) => b.id === id)?.nodes ?? []));
  if (problems.length === 0)
    return (
      <p className="muted panel-empty" data-testid="no-problems">
        No problems.
      </p>
    );
  return (
    <ul className="problems" data-testid="problems">
      {problems.map((p, i) => {
        const node = nodesOf(p.blockId).find((n) => n.id === p.nodeId);
        return (
          <li key={i} className={`problem ${p.severity}`}>
            <button type="button" disabled={!node} onClick={() => node && focusProblem(store, p)}>
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
