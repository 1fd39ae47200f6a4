// The "Layout" action: elkjs layered layout of the selection (two or more nodes) or of the whole
// graph, using the sizes React Flow measured, as one undoable move.
import { useReactFlow, useStoreApi } from '@xyflow/react';
import { useCallback } from 'react';
import { layeredLayout, type Size } from '../graph/auto-layout.ts';
import { moveNodes } from '../graph/document-ops.ts';
import { selectBody } from '../store/block-slice.ts';
import { useEditorHandles } from '../store/editor-context.tsx';
import { fitReadable } from './view-fit.ts';

export function useAutoLayout(): () => Promise<void> {
  const { store } = useEditorHandles();
  const flow = useReactFlow();
  const flowStore = useStoreApi();
  return useCallback(async () => {
    const sizes: Record<string, Size> = {};
    for (const n of flow.getNodes()) if (n.measured?.width && n.measured.height) sizes[n.id] = { width: n.measured.width, height: n.measured.height };
    const { selectedNodes } = store.getState();
    const selection = selectedNodes.length > 1 ? selectedNodes : undefined;
    const positions = await layeredLayout(selectBody(store.getState()), sizes, selection);
    // The document may have changed while ELK worked; apply to the current one.
    const current = selectBody(store.getState());
    store.getState().commitBody(moveNodes(current, positions));
    if (!selection) requestAnimationFrame(() => void fitReadable(flow, flowStore.getState()));
  }, [store, flow, flowStore]);
}
