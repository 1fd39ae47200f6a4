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

/** Where fitted nodes may go: FIT_VIEW's padding in px for a canvas of this size. */
function paddedArea(width: number, height: number): { x: number; y: number; width: number; height: number } {
  const side = 0.06 * width;
  const top = 0.06 * height;
  return { x: side, y: top, width: width - 2 * side, height: height - top - (MINIMAP_SIZE.height + MINIMAP_CLEARANCE) };
}

/**
 * Fits the graph in view at a readable zoom (never below MIN_FIT_ZOOM): centred in the area
 * FIT_VIEW pads (the minimap's corner kept clear); a graph too wide or too tall at the readable
 * zoom starts at the area's left edge, or rises into the top margin above the minimap. Computed here from the canvas size (`pane`), not by
 * React Flow's fitView, so the button and the fit on opening land on the same view.
 */
export async function fitReadable<N extends Node, E extends Edge>(flow: ReactFlowInstance<N, E>, pane: { width: number; height: number }): Promise<void> {
  const nodes = flow.getNodes();
  if (nodes.length === 0 || pane.width <= 0 || pane.height <= 0) return;
  const b = flow.getNodesBounds(nodes.map((n) => n.id)); // by id: the measured sizes
  const area = paddedArea(pane.width, pane.height);
  const fit = Math.min(area.width / Math.max(b.width, 1), area.height / Math.max(b.height, 1));
  const zoom = Math.max(MIN_FIT_ZOOM, Math.min(FIT_VIEW.maxZoom, fit));
  const centred = (start: number, room: number, extent: number, origin: number): number => start + (room - extent * zoom) / 2 - origin * zoom;
  // Too wide: the inputs (left) show first. Too tall: the graph uses the canvas's top margin too,
  // its bottom just above the minimap's top edge where that leaves its top in view.
  const x = b.width * zoom <= area.width ? centred(area.x, area.width, b.width, b.x) : area.x - b.x * zoom;
  const aboveMinimap = pane.height - MINIMAP_SIZE.height - 15 - 4;
  const y = b.height * zoom <= area.height ? centred(area.y, area.height, b.height, b.y) : Math.max(4, aboveMinimap - b.height * zoom) - b.y * zoom;
  await flow.setViewport({ x, y, zoom });
}
