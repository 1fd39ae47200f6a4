// The editor's state as one zustand store made of slices (document, selection, history, engine).
// The document is the single source of truth: the canvas, inspector and panels are views of it.
// This file is React-free (zustand/vanilla), so the store's logic is unit-tested under node.
import type { GraphDocument } from '../../engine/protocol/graph-document.ts';
import type { MethodResult, ParameterRow, ProblemInfo } from '../../engine/protocol/service-api.ts';
import type { Catalog } from '../graph/catalog.ts';
import type { TrainingForm, TrainingView } from '../training/training-model.ts';
import type { BlockSlice } from './block-slice.ts';
import type { CodeTrustSlice } from './code-trust-slice.ts';
import type { PanelSlice } from './panel-slice.ts';

export interface DocumentSlice {
  document: GraphDocument;
  /** The file name Save proposes (from the opened file or the title). */
  fileName: string;
  /** Where the document was opened from or last saved to (an engine-side path); null until then. */
  filePath: string | null;
  /** True when the document changed since it was opened or saved. */
  dirty: boolean;
  /** Bumped each time another document is opened (the canvas fits its view then). */
  openedAt: number;
  /**
   * Replaces the document; history: true (default) makes it one undoable step. Commits with the
   * same `group` in a row (the keystrokes in one inspector field) make one step, until
   * endEditGroup() (the field is left), another commit, undo or redo ends the group.
   */
  commit(next: GraphDocument, options?: CommitOptions): void;
  endEditGroup(): void;
  /** Opens another document: fresh history and selection; filePath: where it lives (default none). */
  replaceDocument(doc: GraphDocument, fileName?: string, filePath?: string | null): void;
  /** The document is clean; `to` records the path it was just saved to (Save / Save As). */
  markSaved(to?: { filePath: string; fileName: string }): void;
}

export interface SelectionSlice {
  selectedNodes: string[];
  selectedEdges: string[];
  select(nodes: readonly string[], edges?: readonly string[]): void;
}

export interface CommitOptions {
  history?: boolean;
  group?: string;
}

export interface HistorySlice {
  past: GraphDocument[];
  future: GraphDocument[];
  /** The group of the last commit while its edit goes on (see commit); null otherwise. */
  editGroup: string | null;
}

export type ShapeReport = MethodResult<'inferShapes'>;
export type DevicesInfo = MethodResult<'listDevices'>;
export type RunResult = MethodResult<'forward'>;
export type EngineStatus = 'connecting' | 'ready' | 'busy' | 'offline';
/** An array of an array file, by path (the engine's side) and name; shape as the file says. */
export interface RunInputChoice {
  path: string;
  name: string;
  shape: number[];
}

export interface EngineSlice {
  engineStatus: EngineStatus;
  catalog: Catalog;
  devices: DevicesInfo | null;
  exampleNames: string[];
  /** The latest shape report for the current document (null until the first answer). */
  shapes: ShapeReport | null;
  /** Validation and shape problems of the current document. */
  problems: ProblemInfo[];
  parameters: ParameterRow[] | null;
  lastRun: RunResult | null;
  /** Run's input: an array from a file (the engine reads it), or null for random input. */
  runInput: RunInputChoice | null;
  /** A message for the status bar: the last failure or notice, with its kind. */
  notice: { kind: 'info' | 'error'; text: string } | null;
  /** Set while the connection to the engine (the web host's socket) is down; shown until it is back. */
  connectionLost: { text: string; since: number } | null;
  setEngine(patch: Partial<Omit<EngineSlice, 'setEngine'>>): void;
}

export interface UiSlice {
  theme: 'light' | 'dark';
  bottomTab: 'problems' | 'parameters' | 'training';
  helpOpen: boolean;
  setUi(patch: Partial<Pick<UiSlice, 'theme' | 'bottomTab' | 'helpOpen'>>): void;
}

/** The training panel: its form and the live view of the current (or last) run. */
export interface TrainingSlice {
  trainingForm: TrainingForm;
  training: TrainingView;
  setTrainingForm(patch: Partial<TrainingForm>): void;
  setTraining(view: TrainingView): void;
}

export type EditorState = DocumentSlice & SelectionSlice & HistorySlice & EngineSlice & UiSlice & TrainingSlice & BlockSlice & PanelSlice & CodeTrustSlice;
