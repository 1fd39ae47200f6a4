// Builds the editor store from its slices. createEditorStore() gives a fresh, independent store
// (one per window; tests make their own).
import { createStore, type StateCreator, type StoreApi } from 'zustand/vanilla';
import { EMPTY_CATALOG } from '../graph/catalog.ts';
import { emptyDocument } from '../graph/document-ops.ts';
import { defaultForm, idleView } from '../training/training-model.ts';
import { blockSlice } from './block-slice.ts';
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
  commit(next, options = {}) {
    const { document, past } = get();
    if (next === document) return;
    if (options.history === false) {
      set({ document: next, dirty: true });
      return;
    }
    set({ document: next, past: [...past, document].slice(-HISTORY_LIMIT), future: [], dirty: true });
  },
  replaceDocument(doc, fileName, filePath = null) {
    set({
      document: doc, fileName: fileName ?? `${doc.title ?? 'untitled'}.json`, filePath, dirty: false, past: [], future: [], openedAt: get().openedAt + 1,
      selectedNodes: [], selectedEdges: [], editPath: [], shapes: null, problems: [], parameters: null, lastRun: null,
      ...PANEL_RESET_ON_OPEN,
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
  }));
}
