// The bottom panel's size: its height in px (dragged at its top edge, or with the arrow keys on
// that edge) and whether it is maximized, remembered in the browser's storage so the editor opens
// as it was left. React-free; App reads it for the grid's rows (styles.css: .custom-height,
// .maximized), BottomPanel changes it.
import { createStore } from 'zustand/vanilla';

export const DEFAULT_PANEL_HEIGHT = 300;
export const MIN_PANEL_HEIGHT = 120;
/** The canvas keeps at least this much when the panel is dragged up (maximized leaves a strip). */
export const MIN_CANVAS_HEIGHT = 160;
const STORAGE_KEY = 'blocksmith.bottomPanel';

/**
 * custom: the height was chosen by dragging (until then the panel grows with what it shows: the
 * tensor view and the Training tab need more room than the problems list).
 */
export interface PanelSize {
  height: number;
  maximized: boolean;
  custom: boolean;
}

/** A height the window can show: at least the minimum, and the canvas keeps its minimum above it. */
export function clampHeight(height: number, windowHeight: number): number {
  const most = Math.max(MIN_PANEL_HEIGHT, windowHeight - MIN_CANVAS_HEIGHT - 48);
  return Math.round(Math.min(most, Math.max(MIN_PANEL_HEIGHT, height)));
}

function read(storage: Pick<Storage, 'getItem'> | undefined): PanelSize {
  try {
    const saved = JSON.parse(storage?.getItem(STORAGE_KEY) ?? 'null') as Partial<PanelSize> | null;
    if (saved && typeof saved.height === 'number' && Number.isFinite(saved.height)) {
      return { height: saved.height, maximized: saved.maximized === true, custom: saved.custom === true };
    }
  } catch {
    // A damaged entry is forgotten: the default size is as good.
  }
  return { height: DEFAULT_PANEL_HEIGHT, maximized: false, custom: false };
}

const storage = typeof localStorage === 'undefined' ? undefined : localStorage;
export const panelSize = createStore<PanelSize>()(() => read(storage));
panelSize.subscribe((size) => {
  try {
    storage?.setItem(STORAGE_KEY, JSON.stringify(size));
  } catch {
    // Storage full or refused: the size still applies for this session.
  }
});

export function setPanelHeight(height: number): void {
  panelSize.setState({ height: clampHeight(height, window.innerHeight), maximized: false, custom: true });
}

export function toggleMaximized(): void {
  panelSize.setState({ maximized: !panelSize.getState().maximized });
}
