// How the canvas fits its view. Nodes out of view are not rendered (onlyRenderVisibleElements
// keeps 1000-node graphs fluid), so they are never measured: they carry an estimated size, and
// fitting includes them by that size (React Flow counts only measured nodes unless asked).
import type { Edge, Node, ReactFlowInstance } from '@xyflow/react';

/** About the size of a layer node (styles.css .layer-node), used until React Flow measures one. */
export const ESTIMATED_NODE_SIZE = { width: 150, height: 60 } as const;

/** The minimap's box in px (React Flow's default, 200×150, hid nodes at 1280×800). */
export const MINIMAP_SIZE = { width: 150, height: 96 } as const;
/** React Flow's panel margin around the minimap (.react-flow__panel, 15 px) plus a gap. */
const MINIMAP_CLEARANCE = 15 + 12;

// The bottom padding keeps fitted nodes above the minimap in the bottom-right corner: a wide
// chain (the usual case) is fitted by its width, so the extra height costs it no zoom.
export const FIT_VIEW = {
  maxZoom: 1.2,
  padding: { top: '6%', left: '6%', right: '6%', bottom: `${MINIMAP_SIZE.height + MINIMAP_CLEARANCE}px` },
  includeHiddenNodes: true,
} as const;

/**
 * Below this zoom a node's 12 px text is too small to read: a fit never goes further out. A graph
 * wider than the canvas at this zoom shows its start (the inputs, on the left) and is panned or
 * read in the minimap for the rest.
 */
export const MIN_FIT_ZOOM = 0.7;

/** Fits the graph in view at a readable zoom (never below MIN_FIT_ZOOM), its left edge in view. */
export async function fitReadable<N extends Node, E extends Edge>(flow: ReactFlowInstance<N, E>): Promise<void> {
  await flow.fitView({ ...FIT_VIEW, minZoom: MIN_FIT_ZOOM });
  const view = flow.getViewport();
  if (view.zoom > MIN_FIT_ZOOM + 1e-6) return;
  const bounds = flow.getNodesBounds(flow.getNodes());
  // fitView centred the graph; a graph too wide (or too tall) to fit starts at the left (top) margin instead.
  const left = 24 - bounds.x * view.zoom;
  const top = 12 - bounds.y * view.zoom;
  if (left < view.x || top > view.y) await flow.setViewport({ ...view, x: Math.min(left, view.x), y: Math.max(top, view.y) });
}
