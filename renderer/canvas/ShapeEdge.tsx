// An edge labelled with the tensor shape shape inference found on it: `(2, 256)` (inside a
// block, the shape of the block's first use).
import { BaseEdge, EdgeLabelRenderer, getBezierPath, type Edge, type EdgeProps } from '@xyflow/react';
import { memo } from 'react';
import { shapeText } from '../graph/shape-text.ts';
import { selectShapePrefix } from '../store/block-slice.ts';
import { useEditor } from '../store/editor-context.tsx';

export type ShapeFlowEdge = Edge<Record<string, never>, 'shape'>;

export const ShapeEdge = memo(function ShapeEdge(props: EdgeProps<ShapeFlowEdge>) {
  const { id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, selected, markerEnd } = props;
  const shape = useEditor((s) => s.shapes?.edges[selectShapePrefix(s) + id]?.shape);
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} className={selected ? 'edge-selected' : undefined} />
      {shape && (
        <EdgeLabelRenderer>
          <div className="edge-shape nodrag nopan" data-testid="edge-shape" data-edge={id}
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}>
            {shapeText(shape)}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
});
