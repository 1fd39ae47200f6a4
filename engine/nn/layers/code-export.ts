// How a Code node is exported: ONNX by tracing its forward (engine/sandbox/onnx-trace.ts), engine
// TypeScript as a CodeBlock child carrying the source. PyTorch and Gluon: see code-python.ts.

import { np } from '../../ndarray/np.ts';
import { codeModule } from '../../sandbox/code-module.ts';
import { OnnxTracer } from '../../sandbox/onnx-trace.ts';
import { codeOutputNames } from '../../protocol/code-ports.ts';
import type { Attrs, CodeSite, OnnxEmitter, TypeScriptLayerCode } from './layer-spec.ts';

const NODE = 'code';
export const sourceOf = (attrs: Attrs): string => String(attrs.source ?? '');

/**
 * The ONNX of a code block: its forward traced on arrays of the input shapes (unknown dims taken
 * as 1); one value per declared output port, in port order.
 */
export function traceOnnx(e: OnnxEmitter): string | string[] {
  const outputs = codeOutputNames(sourceOf(e.attrs));
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
  let ys;
  try {
    ys = m.forward(NODE, xs, params, tracer);
  } catch (err) {
    // The refusal wins over whatever the code made of the error it got.
    throw new Error(tracer.refusal ?? (err as Error).message, { cause: err });
  }
  if (tracer.refusal) throw new Error(tracer.refusal);
  if (ys.length !== outputs.length)
    throw new Error(`forward returned ${ys.length} array(s), but the block declares ${outputs.length} output(s) (${outputs.join(', ')})`);
  const names = ys.map((y) => tracer.output(y, e.inputs));
  return names.length === 1 ? names[0]! : names;
}

/** Engine TypeScript: a CodeBlock made from the very source (a program's code blocks are its own, so trusted). */
export const typescriptCode: TypeScriptLayerCode = {
  child: (s: CodeSite) => ({ type: 'CodeBlock', make: `new CodeBlock(${JSON.stringify(sourceOf(s.attrs))}, { prefix: '${s.prefix}' })` }),
};
