// Per-parameter settings of a node: an initializer with its arguments (InitializerField, the same
// picker a layer's initializer attribute uses; such an attribute shows as the parameter's default),
// the constant flag, and "tie to…".
import type { GraphNode, InitSpecJson, ParamSettings } from '../../engine/protocol/graph-document.ts';
import { setParamSettings } from '../graph/document-ops.ts';
import { selectBody } from '../store/block-slice.ts';
import type { LayerInfo } from '../graph/catalog.ts';
import { useEditor, useEditorHandles } from '../store/editor-context.tsx';
import { initText } from '../graph/init-text.ts';
import { InitializerField } from './InitializerField.tsx';
import { TieField } from './TieField.tsx';

function ParamRow({ node, param, settings }: { node: GraphNode; param: LayerInfo['params'][number]; settings: ParamSettings | undefined }) {
  const { store } = useEditorHandles();
  const initializers = useEditor((s) => s.catalog.initializers);
  const update = (patch: Partial<ParamSettings>) => store.getState().commitBody(setParamSettings(selectBody(store.getState()), node.id, param.name, patch));
  // A layer attribute that initializes this parameter (Dense.weightInitializer) is its default here.
  const fromAttr = Object.entries(node.attrs ?? {}).find(([k, v]) => k === `${param.name}Initializer` && v !== null && v !== undefined)?.[1] as
    InitSpecJson | undefined;
  const own = param.init ? `(own default: ${param.init})` : '(block default)';
  return (
    <div className="param-settings" data-testid={`param-${param.name}`}>
      <div className="param-title mono">
        {node.name}_{param.name}
      </div>
      <div className="field">
        <span>initializer</span>
        <InitializerField
          label={param.name}
          value={settings?.init}
          initializers={initializers}
          onChange={(init) => update({ init })}
          noneLabel={
            fromAttr !== undefined
              ? `(attribute ${param.name}Initializer: ${typeof fromAttr === 'string' ? fromAttr : initText(JSON.stringify(fromAttr))})`
              : own
          }
        />
      </div>
      <TieField node={node} param={param.name} />
      <label className="field checkbox">
        <input type="checkbox" checked={settings?.constant === true} onChange={(e) => update({ constant: e.target.checked ? true : undefined })} />
        <span>constant (never trained)</span>
      </label>
    </div>
  );
}

export function ParamSettingsForm({ node, layer }: { node: GraphNode; layer: LayerInfo }) {
  if (layer.params.length === 0) return null;
  return (
    <section className="inspector-section">
      <h4>Parameters</h4>
      {layer.params.map((p) => (
        <ParamRow key={p.name} node={node} param={p} settings={node.params?.[p.name]} />
      ))}
    </section>
  );
}
