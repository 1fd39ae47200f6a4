// How the canvas fits its view. Nodes out of view are not rendered (onlyRenderVisibleElements
// keeps 1000-node graphs fluid), so they are never measured: they carry an estimated size, and
// fitting includes them by that size (React Flow counts only measured nodes unless asked).

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
