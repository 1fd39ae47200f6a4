// The store's part for the Parameters tab's view choices: table or tree, the filter, collapsed
// groups, the open tensor view (parameter, page, leading indices, values or gradient) and the Files
// form with its last report. They live here rather than in component state because the tab's
// components unmount when another bottom tab is shown, and switching back should find them as
// they were. Opening another document closes the tensor view and drops the file report (both
// describe the previous model).
import type { StateCreator } from 'zustand/vanilla';
import type { FileEntryReport, MethodResult } from '../../engine/protocol/service-api.ts';
import type { EditorState } from './editor-state.ts';

export type TensorMode = 'values' | 'gradient';

/** The open tensor view: which parameter, which page of its plane, which leading indices, what. */
export interface OpenTensor {
  name: string;
  page: { row: number; col: number };
  /** Indices on the axes before the plane, as picked (the view clamps them to the shape). */
  picked: number[];
  mode: TensorMode;
}

/** A save or load: the engine's per-name report, or its error (a failed load still names each key). */
export interface FileReport {
  /** mapped: a foreign weights file's mapping shown before anything changes; applied: its matched values set. */
  action: 'saved' | 'loaded' | 'mapped' | 'applied';
  path: string;
  format: string | null;
  entries: FileEntryReport[];
  error: string | null;
}

export type ArraysListing = MethodResult<'loadArrays'>;

/** The Parameters tab's Files form. */
export interface ParameterFilesForm {
  path: string;
  fullNames: boolean;
  allowMissing: boolean;
  ignoreExtra: boolean;
  arrays: ArraysListing | null;
  arraysError: string | null;
}

export interface PanelSlice {
  paramView: 'table' | 'tree';
  paramFilter: string;
  /** Keys of the tree's collapsed groups. */
  collapsedGroups: string[];
  tensor: OpenTensor | null;
  paramFilesOpen: boolean;
  paramFiles: ParameterFilesForm;
  /** The last save or load of parameters (cleared when another document is opened). */
  paramFilesReport: FileReport | null;
  setPanel(patch: Partial<Pick<PanelSlice, 'paramView' | 'paramFilter' | 'collapsedGroups' | 'paramFilesOpen' | 'paramFilesReport'>>): void;
  /** Opens `name` in the tensor view at its first page and values (null closes the view). */
  openTensor(name: string | null): void;
  /** Changes the open view's page, leading indices or mode (nothing when no view is open). */
  setTensor(patch: Partial<Omit<OpenTensor, 'name'>>): void;
  setParamFiles(patch: Partial<ParameterFilesForm>): void;
}

/** What replaceDocument resets: the previous model's tensor view and file report. */
export const PANEL_RESET_ON_OPEN = { tensor: null, paramFilesReport: null } satisfies Partial<PanelSlice>;

export const panelSlice: StateCreator<EditorState, [], [], PanelSlice> = (set, get) => ({
  paramView: 'table',
  paramFilter: '',
  collapsedGroups: [],
  tensor: null,
  paramFilesOpen: false,
  paramFiles: { path: 'parameters.params', fullNames: true, allowMissing: false, ignoreExtra: false, arrays: null, arraysError: null },
  paramFilesReport: null,
  setPanel: (patch) => set(patch),
  openTensor: (name) => set({ tensor: name === null ? null : { name, page: { row: 0, col: 0 }, picked: [], mode: 'values' } }),
  setTensor(patch) {
    const { tensor } = get();
    if (tensor) set({ tensor: { ...tensor, ...patch } });
  },
  setParamFiles: (patch) => set({ paramFiles: { ...get().paramFiles, ...patch } }),
});
