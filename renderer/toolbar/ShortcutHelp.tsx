// The keyboard shortcut overlay (the `?` key or the toolbar's ? button): every registered command
// with its keys, plus the canvas' own gestures.
import { registeredCommands } from '../commands/index.ts';

const CANVAS_GESTURES: [string, string][] = [
  ['Drag from the palette', 'add a layer where you drop it'],
  ['Double-click the canvas', 'add a layer by name'],
  ['Drag from an output port to an input port', 'connect'],
  ['Drag an edge\'s end to another port', 'reconnect it (same checks as connecting)'],
  ['Double-click a block or repeat', 'edit its definition; the breadcrumb above the canvas leads back out'],
  ['Ctrl+click', 'add to the selection'],
  ['Shift+drag', 'box select'],
  ['Ctrl+Enter', 'run (forward pass, then the parameter table)'],
  ['Ctrl+S, Ctrl+Shift+S', 'save, save as'],
  ['Ctrl+O', 'open a document file'],
  ['?', 'this help'],
];

export function ShortcutHelp({ onClose }: { onClose: () => void }) {
  const rows: [string, string][] = [
    ...registeredCommands().filter((c) => c.shortcut).map((c): [string, string] => [c.shortcut!, c.label]),
    ...CANVAS_GESTURES,
  ];
  return (
    <div className="overlay" role="dialog" aria-label="Keyboard shortcuts" onClick={onClose}>
      <div className="overlay-card" onClick={(e) => e.stopPropagation()}>
        <h2>Keyboard shortcuts</h2>
        <table>
          <tbody>
            {rows.map(([keys, what]) => <tr key={keys}><td className="mono">{keys}</td><td>{what}</td></tr>)}
          </tbody>
        </table>
        <button type="button" onClick={onClose} autoFocus>Close</button>
      </div>
    </div>
  );
}
