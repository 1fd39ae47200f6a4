// The help overlay (the `?` key or the toolbar's ? button): every registered command and the
// toolbar's actions, grouped File › Edit › Blocks › View › Run with their keys and what they do,
// then the mouse gestures; a search field filters all of it (help-model.ts). ↑ / ↓ move through
// the commands shown and Enter runs the active one (a click does too) when it has something to do
// now; the overlay closes first, so the status line and canvas show what happened. Escape closes.
import { useEffect, useMemo, useState, type KeyboardEvent } from 'react';
import { commandNamed, registeredCommands, runCommand } from '../commands/index.ts';
import { useAutoLayout } from '../canvas/use-auto-layout.ts';
import { useFileController } from '../files/files-context.tsx';
import { useEditor, useEditorHandles } from '../store/editor-context.tsx';
import { APP_ACTIONS, GESTURES, commandEntries, entryEnabled, helpView, moveActive, type AppActionId, type HelpEntry } from './help-model.ts';

const optionId = (entry: HelpEntry) => `help-${entry.source}-${entry.id}`;

export function ShortcutHelp({ onClose }: { onClose: () => void }) {
  const { store, session } = useEditorHandles();
  const files = useFileController();
  const layout = useAutoLayout();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const [refusal, setRefusal] = useState<string | null>(null);
  const entries = useMemo(() => [...APP_ACTIONS, ...commandEntries(registeredCommands())], []);
  const view = useMemo(() => helpView(entries, GESTURES, query), [entries, query]);
  // One string, so the overlay re-renders only when what is enabled changes, not on every store change.
  const disabledKey = useEditor((s) =>
    entries
      .filter((e) => !entryEnabled(e, s, commandNamed))
      .map(optionId)
      .join(' '),
  );
  const disabled = useMemo(() => new Set(disabledKey.split(' ')), [disabledKey]);
  const current = view.entries[Math.min(active, view.entries.length - 1)];

  useEffect(() => {
    if (current) document.getElementById(optionId(current))?.scrollIntoView?.({ block: 'nearest' });
  }, [current]);

  const app: Record<AppActionId, () => void> = {
    new: () => files.newDocument(),
    open: () => void files.open(),
    save: () => void files.save(),
    saveAs: () => void files.saveAs(),
    exportModel: () => files.openExport(),
    importModel: () => void files.importModel(),
    download: () => files.download(),
    layout: () => void layout(),
    toggleTheme: () => store.getState().setUi({ theme: store.getState().theme === 'light' ? 'dark' : 'light' }),
    run: () => void session.run(),
  };

  const perform = (entry: HelpEntry) => {
    if (disabled.has(optionId(entry))) {
      setRefusal(`${entry.label}: nothing to do now`);
      return;
    }
    onClose();
    if (entry.source === 'command') runCommand(store, entry.id);
    else app[entry.id as AppActionId]();
  };

  const onKey = (event: KeyboardEvent) => {
    const next = moveActive(event.key, active, view.entries.length);
    if (next !== null) setActive(next);
    else if (event.key === 'Enter' && current) perform(current);
    else if (event.key === 'Escape') onClose();
    else return;
    // Keys the overlay used are not the editor's shortcuts too.
    event.preventDefault();
    event.stopPropagation();
  };

  return (
    <div className="overlay" role="dialog" aria-label="Keyboard shortcuts" onClick={onClose}>
      <div className="overlay-card help-card" onClick={(e) => e.stopPropagation()} onKeyDown={onKey}>
        <h2>Commands and shortcuts</h2>
        <input
          type="search"
          className="help-search"
          placeholder="Search commands, keys and gestures"
          aria-label="Search commands"
          role="combobox"
          aria-expanded="true"
          aria-controls="help-commands"
          aria-autocomplete="list"
          aria-activedescendant={current ? optionId(current) : undefined}
          autoFocus
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
            setRefusal(null);
          }}
        />
        <div className="help-list">
          <div role="listbox" id="help-commands" aria-label="Commands">
            {view.sections.map((section) => (
              <div role="group" aria-labelledby={`help-group-${section.group}`} key={section.group} data-group={section.group}>
                <div className="help-group muted" id={`help-group-${section.group}`}>
                  {section.group}
                </div>
                {section.entries.map((entry) => {
                  const off = disabled.has(optionId(entry));
                  return (
                    <div
                      key={optionId(entry)}
                      id={optionId(entry)}
                      role="option"
                      className="help-option"
                      aria-selected={entry === current}
                      aria-disabled={off}
                      data-command={entry.id}
                      onMouseMove={() => setActive(view.entries.indexOf(entry))}
                      onClick={() => perform(entry)}
                    >
                      <span className="help-label">{entry.label}</span>
                      <kbd className="mono">{entry.shortcut ?? ''}</kbd>
                      <span className="help-doc muted">{entry.doc}</span>
                    </div>
                  );
                })}
              </div>
            ))}
          </div>
          {view.entries.length === 0 && (
            <p className="muted" data-testid="help-no-commands">
              No command matches “{query}”.
            </p>
          )}
          {view.gestures.length > 0 && (
            <table className="help-gestures" aria-label="Mouse and keys">
              <caption className="help-group muted">Mouse and keys</caption>
              <tbody>
                {view.gestures.map((g) => (
                  <tr key={g.gesture}>
                    <td className="mono">{g.gesture}</td>
                    <td>{g.doc}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
        <div className="help-foot">
          <span className="muted" role="status">
            {refusal ?? '↑ ↓ choose · Enter runs · Escape closes'}
          </span>
          <button type="button" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
