// The canvas node for every kind: name, kind and a short attribute summary, its ports as handles,
// its parameter count from shape inference, a badge when a problem belongs to it (and one on the
// port a problem names). Block instances and repeats also say whether they share parameters, and
// a repeat shows ×N (its copies when expanded). Drawn from the catalog, so a new layer kind needs
// no code here.
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import type { GraphNode } from '../../engine/protocol/graph-document.ts';
import { useShallow } from 'zustand/react/shallow';
import { categoryOf } from '../graph/catalog.ts';
import { nodePorts } from '../graph/ports.ts';
import { paramCountText, shapeText } from '../graph/shape-text.ts';
import { nodeIndex, selectBlockId, selectBody, selectBodyNode, selectShapePrefix } from '../store/block-slice.ts';
import { useEditor } from '../store/editor-context.tsx';
import { BlockBadges, PortBadge } from './BlockBadges.tsx';

export type LayerNodeData = { nodeId: string };
export type LayerFlowNode = Node<LayerNodeData, 'layer'>;

/** A code block's name from its source's leading `// Name: ...` comment (as the engine's repr reads it). */
const codeTitle = (source: unknown): string => (typeof source === 'string' ? (/^\s*\/\/\s*([A-Z][A-Za-z0-9_]*):/.exec(source)?.[1] ?? '') : '');

function attrSummary(attrs: Record<string, unknown> | undefined): string {
  if (!attrs) return '';
  // A code block's source is no one-line attribute: its title stands for it.
  if (typeof attrs.source === 'string') return codeTitle(attrs.source);
  return Object.entries(attrs)
    .filter(([, v]) => v !== null && typeof v !== 'object')
    .map(([k, v]) => (k === 'units' || k === 'activation' ? String(v) : `${k}=${String(v)}`))
    .join(', ');
}

/** `weight tied to dense0.weight` for each tied parameter of the node, or ''. */
function tiesText(node: GraphNode | undefined, byId: ReadonlyMap<string, GraphNode>): string {
  return Object.entries(node?.params ?? {})
    .filter(([, p]) => p.tiedTo)
    .map(([name, p]) => {
      const owner = byId.get(p.tiedTo!.node)?.name ?? p.tiedTo!.node;
      return `${name} tied to ${owner}.${p.tiedTo!.param}`;
    })
    .join(', ');
}

/** Structural kinds read better under a short label. */
const KIND_LABELS: Record<string, string> = { BlockInstance: 'block', Repeat: 'repeat' };

function handleTop(index: number, count: number): string {
  return `${((index + 1) / (count + 1)) * 100}%`;
}

export const LayerNode = memo(function LayerNode({ id, selected }: NodeProps<LayerFlowNode>) {
  const node = useEditor((s) => selectBodyNode(s, id));
  const catalog = useEditor((s) => s.catalog);
  const blocks = useEditor((s) => s.document.blocks);
  // A string, so this node re-renders only when its own ties (or their owners' names) change.
  const ties = useEditor((s) => tiesText(selectBodyNode(s, id), nodeIndex(selectBody(s).nodes)));
  // Inside a definition, the shapes of its first use.
  const prefix = useEditor(selectShapePrefix);
  const report = useEditor((s) => s.shapes?.nodes[prefix + id]);
  // An Output node shows the shape arriving at it (the network's output shape).
  const incomingEdge = useEditor((s) => (node?.kind === 'Output' ? selectBody(s).edges.find((e) => e.target.node === id)?.id : undefined));
  const incomingShape = useEditor((s) => (incomingEdge ? s.shapes?.edges[prefix + incomingEdge]?.shape : undefined));
  // The latest training event's gradient norm of this node's parameters (kinds that have any), while
  // the document shown is the one the run trains.
  const gradNorm = useEditor((s) => (s.training.openedAt === s.openedAt ? s.training.gradNorms[selectBodyNode(s, id)?.name ?? ''] : undefined));
  const problems = useEditor(
    useShallow((s) => {
      const blockId = selectBlockId(s);
      return s.problems.filter((p) => p.nodeId === id && p.blockId === blockId);
    }),
  );
  if (!node) return null;
  const ports = nodePorts(node, { blocks }, catalog);
  const category = categoryOf(catalog, node.kind);
  const errors = problems.filter((p) => p.severity === 'error');
  const detail = node.kind === 'BlockInstance' || node.kind === 'Repeat' ? (node.block ?? 'inline') : attrSummary(node.attrs);
  const shapeLine = node.kind === 'Output' ? shapeText(incomingShape) : node.kind === 'Input' ? null : paramCountText(report?.paramCount);
  return (
    <div className={`layer-node cat-${category}${selected ? ' selected' : ''}${errors.length ? ' has-error' : ''}`} data-testid={`node-${node.name}`}>
      {ports.inputs.map((p, i) => (
        <Handle key={p.name} type="target" position={Position.Left} id={p.name} style={{ top: handleTop(i, ports.inputs.length) }} title={p.name} />
      ))}
      {ports.inputs.map((p, i) => (
        <PortBadge key={`badge-${p.name}`} port={p.name} side="in" top={handleTop(i, ports.inputs.length)} problems={problems} />
      ))}
      <div className="layer-node-name">{node.name}</div>
      {/* The name the engine answered for this layer in the model (inside a definition: its first use), where it is not the stored one. */}
      {report?.name && report.name !== node.name && (
        <div className="layer-node-model-name" data-testid={`node-model-name-${node.name}`} title="the layer's name in the built model (the engine's answer)">
          as {report.name}
        </div>
      )}
      <div className="layer-node-kind">
        {KIND_LABELS[node.kind] ?? node.kind}
        {detail && <span className="layer-node-detail"> · {detail}</span>}
      </div>
      {ties && (
        <div className="layer-node-tie" data-testid="node-ties">
          {ties}
        </div>
      )}
      <BlockBadges node={node} />
      {shapeLine && (
        <div className="layer-node-shape" data-testid={`node-shape-${node.name}`}>
          {shapeLine}
        </div>
      )}
      {problems.length > 0 && (
        <span className={`problem-badge ${errors.length ? 'error' : 'warning'}`} data-testid="problem-badge" title={problems.map((p) => p.message).join('\n')}>
          {errors.length ? '!' : '?'} {problems.length}
        </span>
      )}
      {(catalog.byKind.get(node.kind)?.params.length ?? 0) > 0 && gradNorm !== undefined && (
        <span className="grad-badge" data-testid={`grad-badge-${node.name}`} title="gradient norm (latest training event)">
          ‖∇‖ {gradNorm.toPrecision(3)}
        </span>
      )}
      {ports.outputs.map((p, i) => (
        <Handle key={p} type="source" position={Position.Right} id={p} style={{ top: handleTop(i, ports.outputs.length) }} title={p} />
      ))}
      {ports.outputs.map((p, i) => (
        <PortBadge key={`badge-${p}`} port={p} side="out" top={handleTop(i, ports.outputs.length)} problems={problems} />
      ))}
    </div>
  );
});
