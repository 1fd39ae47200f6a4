// "Tie to…" for one parameter: lists only parameters whose shapes can match (graph/ties.ts).
import { useMemo } from 'react';
import type { GraphNode } from '../../engine/protocol/graph-document.ts';
import { setParamSettings } from '../graph/document-ops.ts';
import { tieCandidates, tieOptionText } from '../graph/ties.ts';
import { shapesAt } from '../graph/body-view.ts';
import { selectBody, selectShapePrefix } from '../store/block-slice.ts';
import { useEditor, useEditorHandles } from '../store/editor-context.tsx';

const SEP = '\u0000';

export function TieField({ node, param }: { node: GraphNode; param: string }) {
  const { store } = useEditorHandles();
  const doc = useEditor(selectBody);
  const catalog = useEditor((s) => s.catalog);
  const report = useEditor((s) => s.shapes);
  // Inside a block, the shapes of its first use.
  const prefix = useEditor(selectShapePrefix);
  const shapes = useMemo(() => shapesAt(report, prefix), [report, prefix]);
  const tied = node.params?.[param]?.tiedTo;
  const candidates = tieCandidates(doc, catalog, shapes, node.id, param);
  const current = tied ? `${tied.node}${SEP}${tied.param}` : '';
  const listed = candidates.some((c) => `${c.node}${SEP}${c.param}` === current);
  const onChange = (value: string) => {
    const [target, targetParam] = value.split(SEP);
    const tiedTo = value === '' ? undefined : { node: target!, param: targetParam! };
    store.getState().commitBody(setParamSettings(selectBody(store.getState()), node.id, param, { tiedTo }));
  };
  return (
    <label className="field">
      <span>tie to</span>
      <select aria-label={`${param} tie to`} value={current} onChange={(e) => onChange(e.target.value)}>
        <option value="">(own parameter)</option>
        {tied && !listed && (
          <option value={current}>
            {doc.nodes.find((n) => n.id === tied.node)?.name ?? tied.node}.{tied.param} (shapes differ)
          </option>
        )}
        {candidates.map((c) => (
          <option key={`${c.node}.${c.param}`} value={`${c.node}${SEP}${c.param}`}>
            {tieOptionText(c)}
          </option>
        ))}
      </select>
    </label>
  );
}
