// The React Flow surface: a view of the body being edited (the main graph, or a block definition
// drilled into). Nodes and edges are derived from it; React Flow's own state keeps only what it
// measures. Drops from the palette add nodes (a layer, an instance of a definition, or a new
// block), a connection adds an edge and dragging an edge's end moves it (after the port checks of
// graph/document-ops), a drag ends in one undoable move, a double-click on the empty canvas
// opens quick-add and one on a block opens its definition.
import { RestrictedBanner } from '../files/TrustPrompt.tsx';
import {
  Background,
  ControlButton,
  Controls,
  MiniMap,
  ReactFlow,
  applyEdgeChanges,
  applyNodeChanges,
  useReactFlow,
  useStore,
  useStoreApi,
  type Viewport,
  type Connection,
  type EdgeChange,
  type NodeChange,
  type OnSelectionChangeParams,
} from '@xyflow/react';
import { useCallback, useEffect, useRef, useState, type DragEvent, type MouseEvent } from 'react';
import { openNode } from '../commands/block-commands.ts';
import { applyResult } from '../commands/index.ts';
import { categoryOf } from '../graph/catalog.ts';
import { addNode, connect, moveNodes, reconnectEdge } from '../graph/document-ops.ts';
import { addBlockInstance, addStructure, parsePaletteDrop } from '../graph/palette-blocks.ts';
import { selectBlockId, selectBody, selectEditPath } from '../store/block-slice.ts';
import { Breadcrumb } from './Breadcrumb.tsx';
import { useEditor, useEditorHandles } from '../store/editor-context.tsx';
import { edgeTypes, nodeTypes } from './flow-types.ts';
import type { LayerFlowNode } from './LayerNode.tsx';
import { QuickAdd } from './QuickAdd.tsx';
import { ESTIMATED_NODE_SIZE, MINIMAP_SIZE, fitReadable } from './view-fit.ts';
import type { ShapeFlowEdge } from './ShapeEdge.tsx';
import { tieEdges, type TieFlowEdge } from './TieEdge.tsx';

type FlowEdge = ShapeFlowEdge | TieFlowEdge;

/** A palette drag's data type; the text is a layer kind, or a block or structure entry (graph/palette-blocks.ts). */
export const PALETTE_MIME = 'application/x-blocksmith-kind';

/**
 * The selection after React Flow's select changes, or null when there are none. The store learns
 * of a click's selection at once (not only from onSelectionChange, an effect that runs later), so
 * a document edit in the same event re-derives the nodes with the selection React Flow shows
 * rather than the one before the click — the two would otherwise overwrite each other forever.
 */
function selectionAfter(current: readonly string[], changes: readonly (NodeChange | EdgeChange)[]): string[] | null {
  const selects = changes.filter((c): c is Extract<NodeChange | EdgeChange, { type: 'select' }> => c.type === 'select');
  if (selects.length === 0) return null;
  const chosen = new Set(current);
  for (const c of selects) {
    if (c.selected) chosen.add(c.id);
    else chosen.delete(c.id);
  }
  return [...chosen];
}

function useFlowNodes(): [LayerFlowNode[], (changes: NodeChange<LayerFlowNode>[]) => void] {
  const doc = useEditor(selectBody);
  const blockId = useEditor(selectBlockId);
  const selected = useEditor((s) => s.selectedNodes);
  const catalog = useEditor((s) => s.catalog);
  const [nodes, setNodes] = useState<LayerFlowNode[]>([]);
  const shownBlock = useRef(blockId);
  useEffect(() => {
    const chosen = new Set(selected);
    // Another body's node with the same id (`in`, `out`) must not lend its measurements.
    const sameBody = shownBlock.current === blockId;
    shownBlock.current = blockId;
    setNodes((previous) => {
      const before = new Map(sameBody ? previous.map((n) => [n.id, n]) : []);
      return doc.nodes.map((n) => ({
        ...before.get(n.id),
        id: n.id,
        type: 'layer' as const,
        position: doc.layout?.positions?.[n.id] ?? { x: 0, y: 0 },
        data: { nodeId: n.id },
        selected: chosen.has(n.id),
        // The category class colours the node's minimap rectangle too.
        className: `cat-${categoryOf(catalog, n.kind)}`,
        // A size before measuring: only nodes in view are rendered (onlyRenderVisibleElements),
        // so nodes off screen are never measured, yet fitting the view must count them.
        initialWidth: ESTIMATED_NODE_SIZE.width,
        initialHeight: ESTIMATED_NODE_SIZE.height,
      }));
    });
  }, [doc, blockId, selected, catalog]);
  const { store } = useEditorHandles();
  const onChange = useCallback(
    (changes: NodeChange<LayerFlowNode>[]) => {
      setNodes((ns) => applyNodeChanges(changes, ns));
      const state = store.getState();
      const next = selectionAfter(state.selectedNodes, changes);
      if (next) state.select(next, state.selectedEdges);
    },
    [store],
  );
  return [nodes, onChange];
}

function useFlowEdges(): [FlowEdge[], (changes: EdgeChange<FlowEdge>[]) => void] {
  const doc = useEditor(selectBody);
  const selected = useEditor((s) => s.selectedEdges);
  const [edges, setEdges] = useState<FlowEdge[]>([]);
  useEffect(() => {
    const chosen = new Set(selected);
    setEdges([
      ...doc.edges.map((e) => ({
        id: e.id,
        type: 'shape' as const,
        source: e.source.node,
        sourceHandle: e.source.port,
        target: e.target.node,
        targetHandle: e.target.port,
        selected: chosen.has(e.id),
      })),
      ...tieEdges(doc.nodes),
    ]);
  }, [doc, selected]);
  const { store } = useEditorHandles();
  const onChange = useCallback(
    (changes: EdgeChange<FlowEdge>[]) => {
      setEdges((es) => applyEdgeChanges(changes, es));
      const state = store.getState();
      const next = selectionAfter(state.selectedEdges, changes);
      if (next) state.select(state.selectedNodes, next);
    },
    [store],
  );
  return [edges, onChange];
}

/**
 * Fitting the view (on opening and from the fit-view button), and keeping a fitted view fitted
 * while the canvas changes size: a run fills the Parameters tab and the bottom panel grows, a long
 * notice takes the toolbar's second line. A fit made for the old size would leave the graph's last
 * row under the minimap. Only while nothing has changed since the fit: once the person moves the
 * view, edits the graph or opens another document, the view is theirs until the next fit.
 */
function useFittedView(): () => Promise<void> {
  const flow = useReactFlow();
  const flowStore = useStoreApi();
  const docNodes = useEditor((s) => selectBody(s).nodes);
  const fitted = useRef<{ view: Viewport; nodes: unknown } | null>(null);
  const fit = useCallback(async () => {
    await fitReadable(flow, flowStore.getState());
    fitted.current = { view: flow.getViewport(), nodes: docNodesRef.current };
  }, [flow, flowStore]);
  const docNodesRef = useRef(docNodes);
  docNodesRef.current = docNodes;
  const width = useStore((s) => s.width);
  const height = useStore((s) => s.height);
  useEffect(() => {
    const last = fitted.current;
    if (!last) return;
    const now = flow.getViewport();
    const untouched =
      last.nodes === docNodesRef.current &&
      Math.abs(now.x - last.view.x) < 0.5 &&
      Math.abs(now.y - last.view.y) < 0.5 &&
      Math.abs(now.zoom - last.view.zoom) < 1e-4;
    if (untouched) void fit();
    else fitted.current = null;
  }, [width, height, flow, fit]);
  return fit;
}

/**
 * Fits the view once the nodes of a newly opened document (or of a block drilled into or out of)
 * are measured (not when the first node of a new document is dropped: the view must not jump
 * under the person's hand).
 */
function useFitOnOpen(nodes: readonly LayerFlowNode[], fit: () => Promise<void>) {
  const openedAt = useEditor((s) => s.openedAt);
  const depth = useEditor((s) =>
    selectEditPath(s)
      .map((l) => l.blockId)
      .join('/'),
  );
  const opened = `${openedAt}:${depth}`;
  const docNodes = useEditor((s) => selectBody(s).nodes);
  const [fitted, setFitted] = useState('0:');
  // Nodes in view are measured first; the rest count with their estimated size.
  const ready = nodes.length > 0 && nodes.length === docNodes.length && nodes.every((n, i) => n.id === docNodes[i]?.id) && nodes.some((n) => n.measured?.width);
  // A document opened empty (File › New) has nothing to fit: it counts as fitted at once, or the
  // first node dropped into it would zoom the view onto that one node.
  const empty = docNodes.length === 0;
  useEffect(() => {
    if (fitted === opened) return;
    if (empty) setFitted(opened);
    else if (ready) {
      setFitted(opened);
      void fit();
    }
  }, [ready, empty, opened, fitted, fit]);
  return fitted === opened;
}

export function Canvas() {
  const { store } = useEditorHandles();
  const theme = useEditor((s) => s.theme);
  const [nodes, onNodesChange] = useFlowNodes();
  const [edges, onEdgesChange] = useFlowEdges();
  const flow = useReactFlow();
  const fitView = useFittedView();
  const viewReady = useFitOnOpen(nodes, fitView);
  const [quickAdd, setQuickAdd] = useState<{ screen: { x: number; y: number }; flow: { x: number; y: number } } | null>(null);

  const add = useCallback(
    (kind: string, position: { x: number; y: number }) => {
      const state = store.getState();
      const added = addNode(selectBody(state), state.catalog, kind, position);
      state.commitBody(added.doc);
      state.select([added.id]);
    },
    [store],
  );

  const onDrop = useCallback(
    (event: DragEvent) => {
      const drop = parsePaletteDrop(event.dataTransfer.getData(PALETTE_MIME));
      if (!drop) return;
      event.preventDefault();
      const position = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      if (drop.type === 'layer') {
        add(drop.kind, position);
        return;
      }
      const state = store.getState();
      const added =
        drop.type === 'block'
          ? addBlockInstance(selectBody(state), drop.blockId, position, selectBlockId(state))
          : addStructure(selectBody(state), drop.structure, position);
      if (!added.ok) {
        // Nothing changes; the status line says why.
        state.setEngine({ notice: { kind: 'error', text: `Cannot add ${drop.type === 'block' ? drop.blockId : drop.structure} here: ${added.reason}` } });
        return;
      }
      state.commitBody(added.doc);
      state.select([added.id]);
      if (drop.type === 'structure') state.setEngine({ notice: { kind: 'info', text: `Added ${added.blockId}, empty: double-click it to draw its layers` } });
    },
    [add, flow, store],
  );

  const onDragOver = useCallback((event: DragEvent) => {
    if (event.dataTransfer.types.includes(PALETTE_MIME)) {
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
    }
  }, []);

  const onConnect = useCallback(
    (c: Connection) => {
      const state = store.getState();
      const result = connect(
        selectBody(state),
        state.catalog,
        { node: c.source, port: c.sourceHandle ?? 'output' },
        { node: c.target, port: c.targetHandle ?? 'data' },
      );
      if (result.ok) state.commitBody(result.doc);
      else state.setEngine({ notice: { kind: 'error', text: `Cannot connect: ${result.reason}` } });
    },
    [store],
  );

  const onReconnect = useCallback(
    (old: FlowEdge, c: Connection) => {
      const state = store.getState();
      const result = reconnectEdge(
        selectBody(state),
        state.catalog,
        old.id,
        { node: c.source, port: c.sourceHandle ?? 'output' },
        { node: c.target, port: c.targetHandle ?? 'data' },
      );
      if (result.ok) state.commitBody(result.doc);
      else state.setEngine({ notice: { kind: 'error', text: `Cannot reconnect: ${result.reason}` } });
    },
    [store],
  );

  // The same as Alt+↓ (an inline-sequence repeat becomes a definition first), for the node clicked.
  const onNodeDoubleClick = useCallback(
    (_e: MouseEvent, flowNode: LayerFlowNode) => {
      applyResult(store, openNode(store.getState(), flowNode.id));
    },
    [store],
  );

  const onNodeDragStop = useCallback(
    (_e: unknown, _node: LayerFlowNode, dragged: LayerFlowNode[]) => {
      const state = store.getState();
      const body = selectBody(state);
      const moved = Object.fromEntries(dragged.map((n) => [n.id, { x: Math.round(n.position.x), y: Math.round(n.position.y) }]));
      const changed = Object.entries(moved).some(([id, p]) => {
        const old = body.layout?.positions?.[id];
        return !old || old.x !== p.x || old.y !== p.y;
      });
      if (changed) state.commitBody(moveNodes(body, moved));
    },
    [store],
  );

  const onSelectionChange = useCallback(
    ({ nodes: ns, edges: es }: OnSelectionChangeParams) => {
      store.getState().select(
        ns.map((n) => n.id),
        es.map((e) => e.id),
      );
    },
    [store],
  );

  const onDoubleClick = useCallback(
    (event: MouseEvent) => {
      if (!(event.target as HTMLElement).classList.contains('react-flow__pane')) return;
      const bounds = (event.currentTarget as HTMLElement).getBoundingClientRect();
      setQuickAdd({
        screen: { x: event.clientX - bounds.left, y: event.clientY - bounds.top },
        flow: flow.screenToFlowPosition({ x: event.clientX, y: event.clientY }),
      });
    },
    [flow],
  );

  return (
    <div className="canvas" data-testid="canvas" data-view-ready={viewReady} onDrop={onDrop} onDragOver={onDragOver} onDoubleClick={onDoubleClick}>
      <ReactFlow<LayerFlowNode, FlowEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onReconnect={onReconnect}
        onNodeDragStop={onNodeDragStop}
        onSelectionChange={onSelectionChange}
        onNodeDoubleClick={onNodeDoubleClick}
        deleteKeyCode={null}
        zoomOnDoubleClick={false}
        colorMode={theme}
        proOptions={{ hideAttribution: true }}
        defaultEdgeOptions={{ type: 'shape' }}
        // Large graphs stay fluid: nodes and edges out of view are not in the DOM.
        onlyRenderVisibleElements
      >
        <Background gap={20} />
        <MiniMap pannable zoomable className="minimap" style={MINIMAP_SIZE} nodeClassName={(n) => n.className ?? ''} />
        {/* The fit-view button fits as the opening does (fitReadable): the minimap's corner clear,
            never below the readable zoom. React Flow's own button is hidden: its fit would race ours. */}
        <Controls showFitView={false}>
          <ControlButton className="react-flow__controls-fitview" title="fit view" aria-label="fit view" onClick={() => void fitView()}>
            <FitViewIcon />
          </ControlButton>
        </Controls>
      </ReactFlow>
      <Breadcrumb />
      <RestrictedBanner />
      {quickAdd && (
        <QuickAdd
          at={quickAdd.screen}
          onClose={() => setQuickAdd(null)}
          onPick={(kind) => {
            add(kind, quickAdd.flow);
            setQuickAdd(null);
          }}
        />
      )}
    </div>
  );
}

/** React Flow's fit-view icon, for the button that fits our way. */
function FitViewIcon() {
  return (
    <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 30">
      <path d="M3.692 4.63c0-.53.4-.938.939-.938h5.215V0H4.708C2.13 0 0 2.054 0 4.63v5.216h3.692V4.631zM27.354 0h-5.2v3.692h5.17c.53 0 .984.4.984.939v5.215H32V4.631A4.624 4.624 0 0027.354 0zm.954 24.83c0 .532-.4.94-.939.94h-5.215v3.768h5.215c2.577 0 4.631-2.13 4.631-4.707v-5.139h-3.692v5.139zm-23.677.94c-.531 0-.939-.4-.939-.94v-5.138H0v5.139c0 2.577 2.13 4.707 4.708 4.707h5.138V25.77H4.631z" />
    </svg>
  );
}
