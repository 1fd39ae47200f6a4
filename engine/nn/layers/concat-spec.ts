// Concat's descriptor (pure, importable by the renderer): several edges into one variadic port,
// joined along an axis — what a graph needs to merge branches (Concurrent does it for children).

import { ONE_OUTPUT, type LayerSpec } from './layer-spec.ts';

export const CONCAT_SPEC: LayerSpec = {
  kind: 'Concat',
  category: 'structure',
  doc: 'Concatenates its inputs (in edge order) along an axis.',
  attrs: [{ name: 'axis', type: 'int', default: -1, doc: 'the axis to join along (negative counts from the end)' }],
  inputs: [{ name: 'data', doc: 'the arrays to join, in edge order', variadic: true }],
  outputs: ONE_OUTPUT,
  params: [],
  outputShape: (a, xs) => {
    const first = xs[0]!;
    const axis = (a.axis as number) < 0 ? (a.axis as number) + first.length : (a.axis as number);
    if (axis < 0 || axis >= first.length) throw new Error(`axis ${String(a.axis)} is out of range for ${first.length} dims`);
    for (const x of xs) {
      if (x.length !== first.length || x.some((d, i) => i !== axis && d >= 0 && first[i]! >= 0 && d !== first[i])) {
        throw new Error(`the inputs (${xs.map((s) => `(${s.join(', ')})`).join(', ')}) differ outside axis ${axis}`);
      }
    }
    const joined = xs.reduce((s, x) => (s < 0 || x[axis]! < 0 ? -1 : s + x[axis]!), 0);
    return first.map((d, i) => (i === axis ? joined : d));
  },
  repr: (a) => `Concat(axis=${String(a.axis)})`,
  onnx: (e) => e.node('Concat', e.inputs, { axis: e.attrs.axis as number }),
};
