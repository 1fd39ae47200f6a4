// The inspector's part for blocks: for an instance or repeat, its definition (open it), shared
// vs own parameters, a repeat's count and unmaking an instance; for a selection of layers, "Make
// block" and "Repeat".
import { useEffect, useState } from 'react';
import { REPEAT_MAX, REPEAT_MIN, type GraphNode } from '../../engine/protocol/graph-document.ts';
import { runCommand } from '../commands/index.ts';
import { DEFAULT_REPEAT_COUNT } from '../commands/block-commands.ts';
import { isCollapsed, setCollapsed, setRepeatCount, setShareParams } from '../graph/repeat-ops.ts';
import { selectBlockId, selectBody } from '../store/block-slice.ts';
import { useEditor, useEditorHandles } from '../store/editor-context.tsx';

function RepeatCountField({ node }: { node: GraphNode }) {
  const { store } = useEditorHandles();
  const [text, setText] = useState(String(node.count ?? ''));
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setText(String(node.count ?? ''));
    setError(null);
  }, [node.count, node.id]);
  const apply = () => {
    if (text === String(node.count)) return;
    const state = store.getState();
    const result = setRepeatCount(selectBody(state), node.id, Number(text.trim() === '' ? NaN : text));
    if (result.ok) state.commitBody(result.doc);
    setError(result.ok ? null : result.reason);
  };
  return (
    <label className="field">
      <span>copies (×N)</span>
      <input
        type="number"
        min={REPEAT_MIN}
        max={REPEAT_MAX}
        aria-label="Repeat count"
        value={text}
        aria-invalid={error !== null}
        onChange={(e) => setText(e.target.value)}
        onBlur={apply}
        onKeyDown={(e) => {
          if (e.key === 'Enter') apply();
        }}
      />
      {error && (
        <em className="field-error" role="alert">
          {error}
        </em>
      )}
    </label>
  );
}

/** Settings of a BlockInstance or Repeat node. */
export function BlockInstanceSection({ node }: { node: GraphNode }) {
  const { store } = useEditorHandles();
  const collapsed = useEditor((s) => isCollapsed(selectBody(s), node.id));
  const uses = useEditor((s) => [...s.document.nodes, ...s.document.blocks.flatMap((b) => b.nodes)].filter((n) => n.block === node.block).length);
  const edit = (change: (body: ReturnType<typeof selectBody>) => { ok: true; doc: ReturnType<typeof selectBody> } | { ok: false; reason: string }) => {
    const state = store.getState();
    const result = change(selectBody(state));
    if (result.ok) state.commitBody(result.doc);
    else state.setEngine({ notice: { kind: 'error', text: result.reason } });
  };
  return (
    <section className="inspector-section" data-testid="block-inspector">
      <h4>Block</h4>
      <p className="muted">
        definition <span className="mono">{node.block ?? '(inline sequence)'}</span>
        {uses > 1 ? `, used ${uses} times` : ''}
      </p>
      <p className="muted hint" data-testid="block-names">
        <span className="mono">{node.name}</span> names this use (as Gluon names a block&apos;s container; <span className="mono">blocksmith run</span> prints
        its edges under it); its layers keep their own names, which parameter files and exports use.
      </p>
      {/* An inline sequence gets a definition of its own layers first (one undo step with opening it). */}
      <button type="button" onClick={() => runCommand(store, 'openBlock')}>
        {node.block !== undefined ? 'Open definition' : 'Make a definition and open it'}
      </button>
      <label className="field checkbox">
        <input
          type="checkbox"
          aria-label="Share parameters"
          checked={node.shareParams === true}
          onChange={(e) => edit((body) => setShareParams(body, node.id, e.target.checked))}
        />
        <span>share the definition&apos;s parameters (unchecked: this use owns fresh ones)</span>
      </label>
      {node.kind === 'Repeat' && <RepeatCountField node={node} />}
      {node.kind === 'Repeat' && node.block !== undefined && (
        <button type="button" onClick={() => edit((body) => ({ ok: true, doc: setCollapsed(body, node.id, !collapsed) }))}>
          {collapsed ? 'Expand copies' : 'Collapse copies'}
        </button>
      )}
      {node.kind === 'BlockInstance' && (
        <button type="button" onClick={() => runCommand(store, 'repeatSelection')}>
          Repeat ×{DEFAULT_REPEAT_COUNT}
        </button>
      )}{' '}
      {node.kind === 'BlockInstance' && (
        // Refusals (shared parameters) are explained in the status line by the command.
        <button
          type="button"
          title="Put the definition's layers back in place of this instance (Ctrl+Shift+G)"
          onClick={() => runCommand(store, 'unmakeBlock')}
        >
          Unmake block
        </button>
      )}
    </section>
  );
}

/** For a selection: turn it into a block (a repeat or an instance can be wrapped too), or a repeated block. */
export function SelectionBlockActions({ repeat = true }: { repeat?: boolean }) {
  const { store } = useEditorHandles();
  return (
    <section className="inspector-section" data-testid="block-actions">
      <button type="button" onClick={() => runCommand(store, 'makeBlock')}>
        Make block
      </button>{' '}
      {repeat && (
        <button type="button" onClick={() => runCommand(store, 'repeatSelection')}>
          Repeat ×{DEFAULT_REPEAT_COUNT}
        </button>
      )}
    </section>
  );
}

/** With nothing selected inside a definition: which one is edited, and that every use follows. */
export function EditingBlockNote() {
  const blockId = useEditor(selectBlockId);
  const uses = useEditor((s) => [...s.document.nodes, ...s.document.blocks.flatMap((b) => b.nodes)].filter((n) => n.block === blockId).length);
  if (blockId === undefined) return null;
  return (
    <p className="inspector-body muted" data-testid="editing-block">
      Editing the definition <span className="mono">{blockId}</span> ({uses === 1 ? 'used once' : `used ${uses} times`}): every use changes. The settings below
      are the document&apos;s.
    </p>
  );
}
