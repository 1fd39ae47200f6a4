// Undo and redo: move whole documents between the history stacks (each step one document).
import { modKey, register } from './command.ts';

export const undo = register({
  name: 'undo',
  label: 'Undo',
  doc: 'Take back the last edit of the document (200 steps are kept)',
  group: 'Edit',
  shortcut: 'Ctrl+Z',
  enabled: (state) => state.past.length > 0,
  keyTest: (e) => modKey(e) && !e.shiftKey && e.key.toLowerCase() === 'z',
  perform(state) {
    const previous = state.past.at(-1);
    if (!previous) return null;
    return {
      captureHistory: false,
      patch: { document: previous, past: state.past.slice(0, -1), future: [state.document, ...state.future], dirty: true, editGroup: null },
    };
  },
});

export const redo = register({
  name: 'redo',
  label: 'Redo',
  doc: 'Make the edit that was last undone again',
  group: 'Edit',
  shortcut: 'Ctrl+Shift+Z / Ctrl+Y',
  enabled: (state) => state.future.length > 0,
  keyTest: (e) => modKey(e) && ((e.shiftKey && e.key.toLowerCase() === 'z') || e.key.toLowerCase() === 'y'),
  perform(state) {
    const next = state.future[0];
    if (!next) return null;
    return {
      captureHistory: false,
      patch: { document: next, past: [...state.past, state.document], future: state.future.slice(1), dirty: true, editGroup: null },
    };
  },
});
