// Builds the editor store from its slices. createEditorStore() gives a fresh, independent store
// (one per window; tests make their own).
import { createStore, type StateCreator, type StoreApi } from 'zustand/vanilla';
import { EMPTY_CATALOG } from '../graph/catalog.ts';
import { emptyDocument } from '../graph/document-ops.ts';
import { defaultForm, idleView, isActive } from '../training/training-model.ts';
import { blockSlice, selectEditPath } from './block-slice.ts';
import { codeTrustSlice, trustOnOpen } from './code-trust-slice.ts';
import { PANEL_RESET_ON_OPEN, panelSlice } from './panel-slice.ts';
import type { DocumentSlice, EditorState, EngineSlice, HistorySlice, SelectionSlice, TrainingSlice, UiSlice } from './editor-state.ts';

export type EditorStore = StoreApi<EditorState>;

/** Undo keeps this many steps. */
export const HISTORY_LIMIT = 200;

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

const documentSlice: StateCreator<EditorState, [], [], DocumentSlice & HistorySlice> = (set, get) => ({
  document: emptyDocument(),
  fileName: 'untitled.json',
  filePath: null,
  dirty: false,
  openedAt: 0,
  past: [],
  future: [],
  editGroup: null,
  commit(next, options = {}) {
    const { document, past, editGroup } = get();
    if (next === document) return;
    // An undo may have removed the block being edited; the canvas then shows the nearest level
    // that still exists, and an edit is made there. Forget the levels that are gone, or a later
    // edit recreating a definition with the same ids (make block again) would jump back into it.
    const editPath = selectEditPath(get());
    const trimmed = editPath.length === get().editPath.length ? {} : { editPath: [...editPath] };
    if (options.history === false) {
      set({ document: next, dirty: true, ...trimmed });
      return;
    }
    const group = options.group ?? null;
    // The same field still being typed in: the step made by its first keystroke takes this one too.
    if (group !== null && group === editGroup && past.length > 0) {
      set({ document: next, future: [], dirty: true, ...trimmed });
      return;
    }
    set({ document: next, past: [...past, document].slice(-HISTORY_LIMIT), future: [], dirty: true, editGroup: group, ...trimmed });
  },
  endEditGroup() {
    if (get().editGroup !== null) set({ editGroup: null });
  },
  replaceDocument(doc, fileName, filePath = null) {
    set({
      document: doc,
      fileName: fileName ?? `${doc.title ?? 'untitled'}.json`,
      filePath,
      dirty: false,
      past: [],
      future: [],
      editGroup: null,
      openedAt: get().openedAt + 1,
      selectedNodes: [],
      selectedEdges: [],
      editPath: [],
      shapes: null,
      problems: [],
      parameters: null,
      lastRun: null,
      // An array chosen as Run's input was picked for the previous model's input shape.
      runInput: null,
      ...PANEL_RESET_ON_OPEN,
      // Its code does not run before the person agrees (the engine session asks which is untrusted).
      ...trustOnOpen(doc),
      // A finished run's charts, readouts and per-node gradient badges describe the previous
      // model (its badges would land on the new document's layers that happen to share a name);
      // a run still active keeps its view, so it can still be paused or stopped.
      ...(isActive(get().training.phase) ? {} : { training: idleView() }),
    });
  },
  markSaved: (to) => set(to ? { dirty: false, filePath: to.filePath, fileName: to.fileName } : { dirty: false }),
});

const selectionSlice: StateCreator<EditorState, [], [], SelectionSlice> = (set, get) => ({
  selectedNodes: [],
  selectedEdges: [],
  select(nodes, edges = []) {
    const { selectedNodes, selectedEdges } = get();
    if (sameList(selectedNodes, nodes) && sameList(selectedEdges, edges)) return;
    set({ selectedNodes: [...nodes], selectedEdges: [...edges] });
  },
});

const engineSlice: StateCreator<EditorState, [], [], EngineSlice> = (set) => ({
  engineStatus: 'connecting',
  catalog: EMPTY_CATALOG,
  devices: null,
  exampleNames: [],
  shapes: null,
  problems: [],
  parameters: null,
  lastRun: null,
  runInput: null,
  notice: null,
  connectionLost: null,
  setEngine: (patch) => set(patch),
});

const uiSlice: StateCreator<EditorState, [], [], UiSlice> = (set) => ({
  theme: 'light',
  bottomTab: 'problems',
  helpOpen: false,
  setUi: (patch) => set(patch),
});

const trainingSlice: StateCreator<EditorState, [], [], TrainingSlice> = (set, get) => ({
  trainingForm: defaultForm(),
  training: idleView(),
  setTrainingForm: (patch) => set({ trainingForm: { ...get().trainingForm, ...patch } }),
  setTraining: (view) => set({ training: view }),
});

export function createEditorStore(): EditorStore {
  return createStore<EditorState>()((...a) => ({
    ...documentSlice(...a),
    ...selectionSlice(...a),
    ...engineSlice(...a),
    ...uiSlice(...a),
    ...trainingSlice(...a),
    ...blockSlice(...a),
    ...panelSlice(...a),
    ...codeTrustSlice(...a),
  }));
}
