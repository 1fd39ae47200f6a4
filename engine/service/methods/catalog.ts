// The layer catalog as data (style convention 15): every registered kind's descriptor without its
// shape functions, plus the initializer names, so the editor's palette and forms need no code per kind.
import { layerKinds, layerSpec } from '../../nn/layers/index.ts';
import { registeredInitializers } from '../../init/registry.ts';
import type { LayerInfo } from '../../protocol/service-api.ts';
import type { Handler } from '../dispatcher.ts';

function layerInfo(kind: string): LayerInfo {
  const spec = layerSpec(kind);
  return {
    kind: spec.kind,
    category: spec.category,
    doc: spec.doc,
    attrs: spec.attrs.map((a) => ({
      name: a.name,
      type: a.type,
      required: a.default === undefined,
      doc: a.doc,
      ...(a.default !== undefined && typeof a.default !== 'function' ? { default: a.default } : {}),
      ...(a.min !== undefined ? { min: a.min } : {}),
      ...(a.max !== undefined ? { max: a.max } : {}),
      ...(a.choices ? { choices: [...a.choices] } : {}),
    })),
    inputs: spec.inputs.map((p) => ({ name: p.name, doc: p.doc, ...(p.variadic ? { variadic: true } : {}), ...(p.optional ? { optional: true } : {}) })),
    outputs: spec.outputs.map((p) => ({ name: p.name, doc: p.doc })),
    params: spec.params.map((p) => ({ name: p.name, init: p.init, ...(p.constant ? { constant: true } : {}) })),
  };
}

export const layerCatalog: Handler<'layerCatalog'> = () => ({
  layers: layerKinds().map(layerInfo),
  initializers: registeredInitializers(),
});
