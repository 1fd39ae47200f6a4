// Per-parameter settings of a node: an initializer picker with its arguments and the constant
// flag, and "tie to…". Initializer names come from the engine's registry; the arguments of the built-ins are
// listed here because the registry does not describe them (yet).
import type { GraphNode, InitSpecJson, ParamSettings } from '../../engine/schema/graph-document.ts';
import { setParamSettings } from '../graph/document-ops.ts';
import { selectBody } from '../store/block-slice.ts';
import type { LayerInfo } from '../graph/catalog.ts';
import { useEditor, useEditorHandles } from '../store/editor-context.tsx';
import { TieField } from './TieField.tsx';

/** Arguments of the built-in initializers with their defaults (MXNet's). */
const INIT_ARGS: Record<string, Record<string, number | string>> = {
  uniform: { scale: 0.07 },
  normal: { sigma: 0.01 },
  constant: { value: 0 },
  xavier: { rndType: 'uniform', factorType: 'avg', magnitude: 3 },
  msraprelu: { factorType: 'avg', slope: 0.25 },
  orthogonal: { scale: 1.414, randType: 'uniform' },
  lstmbias: { forgetBias: 1 },
};

function initParts(spec: InitSpecJson | undefined): [string, Record<string, unknown>] {
  if (spec === undefined) return ['', {}];
  if (typeof spec === 'string') return [spec, {}];
  return [spec[0], spec[1] ?? {}];
}

function ParamRow({ node, param, settings }: { node: GraphNode; param: LayerInfo['params'][number]; settings: ParamSettings | undefined }) {
  const { store } = useEditorHandles();
  const initializers = useEditor((s) => s.catalog.initializers);
  const [initName, args] = initParts(settings?.init);
  const argDefaults = INIT_ARGS[initName] ?? {};
  const update = (patch: Partial<ParamSettings>) => store.getState().commitBody(setParamSettings(selectBody(store.getState()), node.id, param.name, patch));
  const setInit = (name: string, nextArgs: Record<string, unknown>) => update({ init: name === '' ? undefined : Object.keys(nextArgs).length ? [name, nextArgs] : name });
  return (
    <div className="param-settings" data-testid={`param-${param.name}`}>
      <div className="param-title mono">{node.name}_{param.name}</div>
      <label className="field">
        <span>initializer</span>
        <select aria-label={`${param.name} initializer`} value={initName} onChange={(e) => setInit(e.target.value, {})}>
          <option value="">{param.init ? `(own default: ${param.init})` : '(block default)'}</option>
          {initializers.map((n) => <option key={n} value={n}>{n}</option>)}
        </select>
      </label>
      {Object.entries(argDefaults).map(([arg, dflt]) => (
        <label className="field indent" key={arg}>
          <span>{arg}</span>
          <input aria-label={`${param.name} ${arg}`} type={typeof dflt === 'number' ? 'number' : 'text'} step="any"
            value={String(args[arg] ?? '')} placeholder={String(dflt)}
            onChange={(e) => {
              const next = { ...args };
              if (e.target.value === '') delete next[arg];
              else next[arg] = typeof dflt === 'number' ? Number(e.target.value) : e.target.value;
              setInit(initName, next);
            }} />
        </label>
      ))}
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
      {layer.params.map((p) => <ParamRow key={p.name} node={node} param={p} settings={node.params?.[p.name]} />)}
    </section>
  );
}
