// The custom node and edge types, built once at module scope (React Flow warns, error002, when
// these objects change between renders). Every kind uses the generic LayerNode.
import type { EdgeTypes, NodeTypes } from '@xyflow/react';
import { LayerNode } from './LayerNode.tsx';
import { ShapeEdge } from './ShapeEdge.tsx';

export const nodeTypes: NodeTypes = { layer: LayerNode };
export const edgeTypes: EdgeTypes = { shape: ShapeEdge };
