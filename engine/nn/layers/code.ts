// Code: a layer whose forward the user writes in TypeScript against np / npx, run in the sandbox
// (engine/sandbox). The source declares its parameters (`export const params = { weight: { shape:
// (x) => [x[x.length - 1], 8] } }`: a shape may be a function of the input shapes, resolved at the
// first batch like Gluon's deferred init) and exports `forward(self, ...inputs)`. Shape inference
// runs the code on small arrays of the input shapes (refused past maxTraceBytes); its errors name the line. Outputs: one, or
// those the source declares (`export const outputs = ['y', 'gate']`, engine/protocol/code-ports.ts);
// inputs: the variadic `data` port, or those it declares (`export const inputs = ['x', 'skip']`).

import type { NDArray } from '../../ndarray/ndarray.ts';
import { np } from '../../ndarray/np.ts';
import type { InitSpec } from '../../init/registry.ts';
import { Block, type BlockOptions } from '../block.ts';
import type { Parameter } from '../parameter.ts';
import { codeModule, CodeError, type CodeModule } from '../../sandbox/code-module.ts';
import { codeTrusted, requireTrust, trustSources } from '../../sandbox/trust.ts';
import { sourceOf, traceOnnx, typescriptCode } from './code-export.ts';
import { GLUON_CODE, PYTORCH_CODE } from './code-python.ts';
import { CODE_EXAMPLES } from './code-examples.ts';
import { codeInputNames, codeOutputNames } from '../../protocol/code-ports.ts';
import { currentLimits, formatBytes } from '../../protocol/limits.ts';
import { ONE_OUTPUT, type Attrs, type LayerSpec, type ParamSpec, type ShapeLike } from './layer-spec.ts';

/** What a new Code node starts with: the identity, and how to declare a parameter. */
export const CODE_TEMPLATE = `// Code: a layer written in TypeScript. Parameters: export const params = { weight: { shape: (x: number[]) => [x[x.length - 1], 8], init: 'xavier' } };
// forward gets self (self.weight.data()) and the inputs; np and npx are the engine's.
export function forward(self: Self, x: NDArray): NDArray {
  return x;
}
`;

// The examples shipped with Blocksmith run without asking.
trustSources(CODE_EXAMPLES);

const NODE = 'code';

/** The name a block prints: a leading `// MyDense: ...` comment names it (as a class would), else Code. */
export const titleOf = (source: string): string => /^\s*\/\/\s*([A-Z][A-Za-z0-9_]*):/.exec(source)?.[1] ?? 'Code';

/** forward's arrays, checked against the outputs the source declares (one, `output`, unless it says more). */
function declaredOutputs(node: string, source: string, outs: NDArray[]): NDArray[] {
  const names = codeOutputNames(source);
  if (outs.length !== names.length) {
    throw new CodeError(
      'E_CODE_EXCEPTION',
      node,
      null,
      `forward returned ${outs.length} array(s), but the block declares ${names.length} output(s) ` +
        `(${names.join(', ')}); return ${names.length === 1 ? 'one array' : 'a list in that order'}, or change \`export const outputs\``,
    );
  }
  return outs;
}

/** The inputs, checked against the ports the source declares (any number when it declares none). */
function declaredInputs<T>(node: string, source: string, xs: readonly T[]): readonly T[] {
  const names = codeInputNames(source);
  if (names && xs.length !== names.length) {
    throw new CodeError(
      'E_CODE_EXCEPTION',
      node,
      null,
      `it got ${xs.length} input(s), but the block declares ${names.length} input port(s) (${names.join(', ')}); connect each port once`,
    );
  }
  return xs;
}

/**
 * Refuses arrays too large to run the code on at every edit: a document whose input is (2, 1e9)
 * would otherwise allocate 8 GB and block shape inference for most of a minute.
 */
function checkTraceSize(shapes: readonly (readonly number[])[]): void {
  const limit = currentLimits().maxTraceBytes;
  // float32, as np.full makes them; a dim that is not a safe count makes the product Infinity/NaN, refused too.
  const bytes = shapes.reduce((sum, s) => sum + s.reduce((a, d) => a * d, 1) * 4, 0);
  if (bytes <= limit) return;
  throw new Error(
    `shape inference runs the code on arrays of its input and parameter shapes (${shapes.map((s) => `(${s.join(', ')})`).join(', ')}), ` +
      `which would take ${Number.isFinite(bytes) ? formatBytes(bytes) : 'more than any memory'}, over the ${formatBytes(limit)} limit for that; ` +
      'give the input smaller sizes (-1 for the batch), or raise the limit with BLOCKSMITH_MAX_TRACE',
  );
}

/** Runs the code on arrays of the input shapes (-1 taken as `k`) and returns its outputs' shapes. */
function outputsAt(m: CodeModule, inputs: readonly ShapeLike[], k: number): number[][] {
  const shapes = declaredInputs(NODE, m.source, inputs).map((s) => s.map((d) => (d < 0 ? k : d)));
  const paramShapes = m.params(NODE).map((p) => [p.name, m.paramShape(NODE, p.name, shapes)] as const);
  checkTraceSize([...shapes, ...paramShapes.map(([, s]) => s)]);
  const xs = shapes.map((s) => np.full(s, 0.1));
  const params = new Map(paramShapes.map(([name, s]) => [name, np.full(s, 0.01)]));
  return declaredOutputs(NODE, m.source, m.forward(NODE, xs, params)).map((y) => [...y.shape]);
}

/** The code's output shapes: dims that change with the unknown ones come back -1. */
function codeOutputShapes(attrs: Attrs, inputs: readonly ShapeLike[]): number[][] {
  try {
    const m = codeModule(sourceOf(attrs), NODE);
    const a = outputsAt(m, inputs, 2);
    if (!inputs.some((s) => s.includes(-1))) return a;
    const b = outputsAt(m, inputs, 3);
    return a.map((s, j) => s.map((d, i) => (d === b[j]?.[i] ? d : -1)));
  } catch (e) {
    if (e instanceof CodeError) throw new Error(`${e.line === null ? '' : `line ${e.line}: `}${e.detail} (${e.code})`, { cause: e });
    throw e;
  }
}

/** The parameters the source declares; none while the document is not trusted (its code cannot run yet). */
function codeParams(attrs: Attrs): ParamSpec[] {
  if (!codeTrusted(sourceOf(attrs))) return [];
  let m: CodeModule;
  try {
    m = codeModule(sourceOf(attrs), NODE);
    m.params(NODE);
  } catch {
    return []; // shape inference reports the error, with its line, through outputShape
  }
  return m.params(NODE).map((d) => ({
    name: d.name,
    init: typeof d.init === 'string' ? d.init : d.init === null ? null : JSON.stringify(d.init),
    ...(d.constant ? { constant: true } : {}),
    shape: (_a: Attrs, input?: ShapeLike): number[] => {
      if (d.shape) return d.shape;
      // Before any data the rank is unknown too: ask with a 2-d all-unknown input, which gives
      // the usual (features-last) declarations their rank with -1 where the data decides.
      try {
        return m.paramShape(NODE, d.name, [input ?? [-1, -1]]);
      } catch {
        return [-1];
      }
    },
  }));
}

export class CodeBlock extends Block {
  static readonly spec: LayerSpec = {
    kind: 'Code',
    runsUserCode: true,
    category: 'structure',
    doc: 'A layer written in TypeScript: export forward(self, ...inputs) using np / npx, and its params. Runs sandboxed, once the document is trusted.',
    attrs: [{ name: 'source', type: 'string', default: CODE_TEMPLATE, doc: 'the TypeScript source (exports forward, optionally params)' }],
    inputs: [{ name: 'data', doc: 'inputs, in edge order: forward(self, x0, x1, ...)', variadic: true }],
    outputs: ONE_OUTPUT,
    params: [],
    paramsOf: codeParams,
    outputShape: (a, inputs) => codeOutputShapes(a, inputs)[0]!,
    outputShapes: codeOutputShapes,
    repr: (a) => `${titleOf(sourceOf(a))}(\n\n)`,
    onnx: traceOnnx,
    code: {
      pytorch: PYTORCH_CODE,
      gluon: GLUON_CODE,
      typescript: typescriptCode,
    },
    // From a document: runs only when the document's code is trusted.
    create: (a, o) => {
      requireTrust(o.prefix?.replace(/_$/, '') ?? NODE, sourceOf(a));
      return new CodeBlock(sourceOf(a), o);
    },
  };

  readonly source: string;
  private readonly module: CodeModule;
  private readonly own = new Map<string, Parameter>();

  /** A block from source the program itself holds (trusted: a program's code is its author's own). */
  constructor(source: string, options: BlockOptions = {}) {
    super({ hint: 'code', ...options });
    trustSources([source]);
    this.source = source;
    this.module = codeModule(source, this.name);
    for (const d of this.module.params(this.name)) {
      if (d.value) {
        this.own.set(d.name, this.params.getConstant(d.name, this.module.value(this.name, d.name)));
        continue;
      }
      this.own.set(
        d.name,
        this.params.get(d.name, {
          shape: d.shape,
          init: d.init as InitSpec | null,
          allowDeferredInit: true,
          ...(d.constant ? { gradReq: 'null' as const } : d.gradReq ? { gradReq: d.gradReq } : {}),
        }),
      );
    }
  }

  override inferShape(...inputs: NDArray[]): void {
    const shapes = inputs.map((x) => [...x.shape]);
    for (const [name, p] of this.own) if (!p.shapeIsKnown) p.shape = this.module.paramShape(this.name, name, shapes);
  }

  override forward(...inputs: NDArray[]): NDArray {
    return this.forwardAll(...inputs)[0]!;
  }

  /** Every output, in the order the source declares them (`export const outputs`). */
  forwardAll(...inputs: NDArray[]): NDArray[] {
    const device = inputs[0]?.device;
    const params = new Map([...this.own].map(([name, p]) => [name, p.data(device)]));
    return declaredOutputs(this.name, this.source, this.module.forward(this.name, declaredInputs(this.name, this.source, inputs), params));
  }

  /** call() for every output (a graph step wired to several of its ports). */
  callAll(...inputs: NDArray[]): NDArray[] {
    this.ensureInitialized(...inputs);
    return this.forwardAll(...inputs);
  }

  override callOutputs(...inputs: NDArray[]): NDArray[] {
    return this.callAll(...inputs);
  }

  override getConfig(): Record<string, unknown> {
    return { source: this.source };
  }

  override toString(): string {
    return `${titleOf(this.source)}(\n\n)`;
  }
}
