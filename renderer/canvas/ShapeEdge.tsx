// An edge labelled with the tensor shape shape inference found on it: `(2, 256)` (inside a
// block, the shape of the block's first use).
//
// The label is drawn in the edge's own SVG, not through React Flow's EdgeLabelRenderer: that
// portal looks up its DOM container with querySelector in a store selector, so with 1000 edges
// every pan or drag step ran 1000 DOM queries (test/bench/editor.ts measured 85 ms per pan move).
// Shapes are set in the monospace face, so the label's box is computed from its length without
// measuring the text; an edge too short for it gets it above the line, clear of the handles.
//
// An edge that runs backwards (its target left of its source: where an imported chain wraps into
// the next band, engine/import/onnx/layout.ts) is drawn as steps through the gap above the target's
// band, not as a Bézier that would sweep across the nodes between.
import { BaseEdge, getBezierPath, getSmoothStepPath, type Edge, type EdgeProps } from '@xyflow/react';
import { memo } from 'react';
import { shapeText } from '../graph/shape-text.ts';
import { selectShapePrefix } from '../store/block-slice.ts';
import { useEditor } from '../store/editor-context.tsx';

export type ShapeFlowEdge = Edge<Record<string, never>, 'shape'>;

/** Advance of one character of the 11 px monospace face (0.6 em, DejaVu Sans Mono / Menlo). */
const CHAR_WIDTH = 6.65;
const LABEL_HEIGHT = 16;
const LABEL_PADDING = 5;
/** Room kept between the label and a port handle at either end of the edge. */
const HANDLE_CLEARANCE = 14;
/** How far above its target's handle a backward edge runs: about half a node and half the import layout's band gap. */
const BACKWARD_RISE = 60;

export const ShapeEdge = memo(function ShapeEdge(props: EdgeProps<ShapeFlowEdge>) {
  const { id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, selected, markerEnd } = props;
  const shape = useEditor((s) => s.shapes?.edges[selectShapePrefix(s) + id]?.shape);
  const backward = targetX < sourceX && targetY - sourceY > 2 * BACKWARD_RISE;
  const [path, labelX, labelY] = backward
    ? getSmoothStepPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, centerY: targetY - BACKWARD_RISE, borderRadius: 8 })
    : getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  const text = shape ? shapeText(shape) : null;
  const width = text ? text.length * CHAR_WIDTH + 2 * LABEL_PADDING : 0;
  // Nodes close together leave the label no room on the line: it would cover the port handles,
  // so it moves above the edge instead.
  const cramped = Math.hypot(targetX - sourceX, targetY - sourceY) / 2 < width / 2 + HANDLE_CLEARANCE;
  const y = cramped ? Math.min(sourceY, targetY) - LABEL_HEIGHT : labelY;
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} className={selected ? 'edge-selected' : undefined} />
      {text && (
        <g className="edge-shape-label" transform={`translate(${labelX} ${y})`}>
          <rect className="edge-shape-box" x={-width / 2} y={-LABEL_HEIGHT / 2} width={width} height={LABEL_HEIGHT} rx={4} ry={4} />
          <text className="edge-shape" data-testid="edge-shape" data-edge={id} textAnchor="middle" dominantBaseline="central">
            {text}
          </text>
        </g>
      )}
    </>
  );
});
