// A parameter tie drawn on the canvas: a dashed arc over the nodes from the layer that owns the
// parameter to the layer that shares it (a language model's output Dense reusing the Embedding's
// weight), labelled with the shared parameter. It is derived from the document's `tiedTo`
// settings, not an edge of the graph: it carries no tensor and cannot be selected or deleted
// (a tie is changed in the Inspector's "Tie to…").
import { BaseEdge, type Edge, type EdgeProps } from '@xyflow/react';
import { memo } from 'react';
import type { GraphNode } from '../../engine/protocol/graph-document.ts';

export type TieFlowEdge = Edge<{ label: string }, 'tie'>;

/** One tie edge per tied parameter whose owner is in the same body. */
export function tieEdges(nodes: readonly GraphNode[]): TieFlowEdge[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  return nodes.flatMap((node) =>
    Object.entries(node.params ?? {}).flatMap(([param, settings]) => {
      const to = settings.tiedTo;
      const owner = to && byId.get(to.node);
      if (!to || !owner) return [];
      return [
        {
          id: `tie:${node.id}.${param}`,
          type: 'tie' as const,
          source: owner.id,
          target: node.id,
          selectable: false,
          deletable: false,
          focusable: false,
          reconnectable: false,
          data: { label: `${node.name ?? node.id}.${param} tied to ${owner.name ?? owner.id}.${to.param}` },
        },
      ];
    }),
  );
}

export const TieEdge = memo(function TieEdge({ id, sourceX, sourceY, targetX, targetY, data }: EdgeProps<TieFlowEdge>) {
  // Over the nodes between the two ends, higher the farther apart they are.
  const lift = 70 + Math.abs(targetX - sourceX) * 0.12;
  const top = Math.min(sourceY, targetY) - lift;
  const path = `M ${sourceX} ${sourceY} C ${sourceX + 30} ${top}, ${targetX - 30} ${top}, ${targetX} ${targetY}`;
  const midX = (sourceX + targetX) / 2;
  // The cubic's highest point is 3/4 of the way to its control points' height.
  const midY = (Math.min(sourceY, targetY) + 3 * top) / 4;
  return (
    <g className="edge-tie" data-testid="tie-edge" data-tie={id}>
      <BaseEdge id={id} path={path} />
      <text className="edge-tie-label" x={midX} y={midY - 6} textAnchor="middle">
        {data?.label ?? 'tied'}
      </text>
    </g>
  );
});
