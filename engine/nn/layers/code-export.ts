// How a Code node is exported: ONNX by tracing its forward (engine/sandbox/onnx-trace.ts), engine
// TypeScript as a CodeBlock child carrying the source. PyTorch and Gluon: see code-python.ts.

import { np } from '../../ndarray/np.ts';
import { codeModule } from '../../sandbox/code-module.ts';
import { OnnxTracer } from '../../sandbox/onnx-trace.ts';
import { codeOutputNames } from '../../protocol/code-ports.ts';
import type { Attrs, CodeSite, OnnxEmitter, TypeScriptLayerCode } from './layer-spec.ts';

const NODE = 'code';
export const sourceOf = (attrs: Attrs): string => String(attrs.source ?? '');

/** The ONNX of a code block: its forward traced on arrays of the input shapes (unknown dims taken as 1). */
export function traceOnnx(e: OnnxEmitter): string {
  const outputs = codeOutputNames(sourceOf(e.attrs));
  // The emitter takes one value per layer; a block with several would need one per port.
  if (outputs.length > 1)
    throw new Error(`it declares ${outputs.length} outputs (${outputs.join(', ')}); ONNX export of a code block takes one output for now`);
  const m = codeModule(sourceOf(e.attrs), NODE);
  const xs = e.inputShapes.map((s) =>
    np.full(
      s.map((d) => (d < 0 ? 1 : d)),
      0.1,
    ),
  );
  const shapes = xs.map((x) => [...x.shape]);
  const tracer = new OnnxTracer(e);
  xs.forEach((x, i) => tracer.bind(x, e.inputs[i]!));
  const params = new Map(
    m.params(NODE).map((p) => {
      const x = np.full(m.paramShape(NODE, p.name, shapes), 0.01);
      tracer.bind(x, e.param(p.name));
      return [p.name, x];
    }),
  );
  let y;
  try {
    [y] = m.forward(NODE, xs, params, tracer);
  } catch (err) {
    // The refusal wins over whatever the code made of the error it got.
    throw new Error(tracer.refusal ?? (err as Error).message, { cause: err });
  }
  if (tracer.refusal) throw new Error(tracer.refusal);
  return tracer.output(y!, e.inputs);
}

/** Engine TypeScript: a CodeBlock made from the very source (a program's code blocks are its own, so trusted). */
export const typescriptCode: TypeScriptLayerCode = {
  child: (s: CodeSite) => ({ type: 'CodeBlock', make: `new CodeBlock(${JSON.stringify(sourceOf(s.attrs))}, { prefix: '${s.prefix}' })` }),
};
