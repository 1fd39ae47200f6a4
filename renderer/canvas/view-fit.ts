// How the canvas fits its view. Nodes out of view are not rendered (onlyRenderVisibleElements
// keeps 1000-node graphs fluid), so they are never measured: they carry an estimated size, and
// fitting includes them by that size (React Flow counts only measured nodes unless asked).

/** About the size of a layer node (styles.css .layer-node), used until React Flow measures one. */
export const ESTIMATED_NODE_SIZE = { width: 150, height: 60 } as const;

export const FIT_VIEW = { maxZoom: 1.2, padding: 0.2, includeHiddenNodes: true } as const;
