// The inspector: the selected node's name, attributes (a form generated from its descriptor) and
// parameter settings, or a block's settings; with nothing selected, the document's settings.
// Nodes are those of the body being edited (the main graph or a block definition).
import type { InitSpecJson } from '../../engine/protocol/graph-document.ts';
import { setAttr } from '../graph/document-ops.ts';
import { selectBlockId, selectBody } from '../store/block-slice.ts';
import { useEditor, useEditorHandles } from '../store/editor-context.tsx';
import { CodeField } from '../code/CodeField.tsx';
import { AttrWidget } from './attr-widgets.tsx';
import { InitializerField } from './InitializerField.tsx';
import { BlockInstanceSection, EditingBlockNote, SelectionBlockActions } from './BlockInspector.tsx';
import { DocumentSettings } from './DocumentSettings.tsx';
import { NameField } from './NameField.tsx';
import { ParamSettingsForm } from './ParamSettingsForm.tsx';

function NodeInspector({ nodeId }: { nodeId: string }) {
  const { store, session } = useEditorHandles();
  // Typing in a field is one undo step, ended when the field is left.
  const endGroup = () => store.getState().endEditGroup();
  const node = useEditor((s) => selectBody(s).nodes.find((n) => n.id === nodeId));
  const blockId = useEditor(selectBlockId);
  const layer = useEditor((s) => (node ? s.catalog.byKind.get(node.kind) : undefined));
  const initializers = useEditor((s) => s.catalog.initializers);
  const problems = useEditor((s) => s.problems);
  if (!node) return null;
  const mine = problems.filter((p) => p.nodeId === node.id && p.blockId === blockId);
  const isBlock = node.kind === 'BlockInstance' || node.kind === 'Repeat';
  const isIo = node.kind === 'Input' || node.kind === 'Output';
  return (
    <div className="inspector-body" data-testid="node-inspector">
      <header className="inspector-head">
        <span className="mono">{node.kind}</span>
        {layer && <p className="muted">{layer.doc}</p>}
      </header>
      <NameField nodeId={node.id} name={node.name} />
      {layer && layer.attrs.length > 0 && (
        <section className="inspector-section">
          <h4>Attributes</h4>
          {layer.attrs.map((a) =>
            node.kind === 'Code' && a.name === 'source' ? (
              // A code block's source: a code editor (one per node: the key remounts it).
              <div className="field code-field" key={`${node.id}/source`}>
                <span>
                  source <span className="muted code-hint">forward(self, x, …) with np / npx; Ctrl+Space completes</span>
                </span>
                <CodeField
                  key={`${blockId ?? ''}/${node.id}`}
                  value={String(node.attrs?.source ?? a.default ?? '')}
                  problems={mine}
                  onChange={(v) => store.getState().commitBody(setAttr(selectBody(store.getState()), node.id, 'source', v))}
                  checkTypes={async (source) => (await session.client.call('checkCode', { source })).diagnostics}
                />
              </div>
            ) : a.type === 'initializer' ? (
              // The same picker as a parameter's initializer: the name, then its arguments.
              <div className="field" key={a.name} title={a.doc} onBlur={endGroup}>
                <span>{a.name}</span>
                <InitializerField
                  label={a.name}
                  value={node.attrs?.[a.name] as InitSpecJson | null | undefined}
                  initializers={initializers}
                  noneLabel={a.default ? `(default: ${String(a.default)})` : '(block default)'}
                  onChange={(v) =>
                    store
                      .getState()
                      .commitBody(setAttr(selectBody(store.getState()), node.id, a.name, v), { group: `attr:${blockId ?? ''}:${node.id}:${a.name}` })
                  }
                />
              </div>
            ) : (
              <label className="field" key={a.name} title={a.doc} onBlur={endGroup}>
                <span>
                  {a.name}
                  {a.required ? ' *' : ''}
                </span>
                <AttrWidget
                  attr={a}
                  value={node.attrs?.[a.name]}
                  initializers={initializers}
                  onChange={(v) =>
                    store
                      .getState()
                      .commitBody(setAttr(selectBody(store.getState()), node.id, a.name, v), { group: `attr:${blockId ?? ''}:${node.id}:${a.name}` })
                  }
                />
              </label>
            ),
          )}
        </section>
      )}
      {layer && <ParamSettingsForm node={node} layer={layer} />}
      {isBlock && <BlockInstanceSection node={node} />}
      {!isIo && <SelectionBlockActions repeat={!isBlock} />}
      {mine.length > 0 && (
        <ul className="inspector-problems">
          {mine.map((p, i) => (
            <li key={i} className={p.severity}>
              {p.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Inspector() {
  const selected = useEditor((s) => s.selectedNodes);
  return (
    <aside className="inspector" aria-label="Inspector">
      {selected.length === 1 ? (
        <NodeInspector nodeId={selected[0]!} />
      ) : selected.length > 1 ? (
        <div className="inspector-body">
          <p className="muted">{selected.length} nodes selected. Delete removes them in one step.</p>
          <SelectionBlockActions />
        </div>
      ) : (
        <>
          <EditingBlockNote />
          <DocumentSettings />
        </>
      )}
    </aside>
  );
}
