// The custom node and edge types, built once at module scope (React Flow warns, error002, when
// these objects change between renders). Every kind uses the generic LayerNode; edges are the
// graph's (shape-labelled) or drawn parameter ties.
import type { EdgeTypes, NodeTypes } from '@xyflow/react';
import { LayerNode } from './LayerNode.tsx';
import { ShapeEdge } from './ShapeEdge.tsx';
import { TieEdge } from './TieEdge.tsx';

export const nodeTypes: NodeTypes = { layer: LayerNode };
export const edgeTypes: EdgeTypes = { shape: ShapeEdge, tie: TieEdge };
