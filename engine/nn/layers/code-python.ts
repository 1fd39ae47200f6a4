// A Code node in PyTorch and Gluon code: the forward is traced (as for ONNX) and each engine call
// written as the framework's one-to-one counterpart, inline in the network's forward, with the
// parameters in a small holder module. Code that uses anything else (item() control flow, a call
// with no counterpart) becomes a clearly marked stub class holding the original code in a comment,
// whose forward raises; the file's `# STUB:` line is what the export report lists.

import { codeOutputNames } from '../../protocol/code-ports.ts';
import { createHash } from 'node:crypto';
import { NDArray } from '../../ndarray/ndarray.ts';
import { np } from '../../ndarray/np.ts';
import { codeModule } from '../../sandbox/code-module.ts';
import type { ApiRequest } from '../../sandbox/engine-api.ts';
import { sourceOf } from './code-export.ts';
import type { CodeSite, PythonLayerCode } from './layer-spec.ts';
import { formatShape } from '../../core/errors.ts';

type Dialect = 'pytorch' | 'gluon';
const NODE = 'code';
const tuple = formatShape;

const BINARY: Readonly<Record<string, string>> = { add: '+', sub: '-', subtract: '-', mul: '*', multiply: '*', div: '/', divide: '/', pow: '**', power: '**' };
const UNARY: Readonly<Record<string, [string, string]>> = {
  neg: ['-', '-'],
  negative: ['-', '-'],
  abs: ['torch.abs', 'nd.abs'],
  exp: ['torch.exp', 'nd.exp'],
  log: ['torch.log', 'nd.log'],
  sqrt: ['torch.sqrt', 'nd.sqrt'],
  tanh: ['torch.tanh', 'nd.tanh'],
  relu: ['torch.relu', 'nd.relu'],
  sigmoid: ['torch.sigmoid', 'nd.sigmoid'],
  square: ['torch.square', 'nd.square'],
  sign: ['torch.sign', 'nd.sign'],
};
const REDUCE = new Set(['sum', 'mean', 'max', 'min', 'prod']);

/** Engine calls → Python expressions; `refusal` says why the code has no translation. */
class PythonTracer {
  readonly names = new Map<NDArray, string>();
  refusal: string | null = null;
  constructor(private readonly d: Dialect) {}

  expr(v: unknown): string {
    if (v instanceof NDArray && this.names.has(v)) return this.names.get(v)!;
    if (typeof v === 'number') return String(v);
    throw this.refuse('it uses an array it made itself (np.zeros, np.array, ...), which is not translated');
  }

  private refuse(why: string): Error {
    this.refusal ??= why;
    return new Error(why);
  }

  record(req: ApiRequest, target: NDArray | null, args: unknown[], result: unknown): void {
    const [a, b, c] = target ? [target, ...args] : args;
    const torch = this.d === 'pytorch';
    const n = req.name;
    let e: string;
    if (n === 'item') throw this.refuse('it reads a value with item() to decide what to compute (data-dependent control flow)');
    else if (BINARY[n]) e = `(${this.expr(a)} ${BINARY[n]} ${this.expr(b)})`;
    else if (n === 'dot' || n === 'matmul') e = `${torch ? 'torch.matmul' : 'nd.dot'}(${this.expr(a)}, ${this.expr(b)})`;
    else if (UNARY[n]) e = UNARY[n][torch ? 0 : 1] === '-' ? `(-${this.expr(a)})` : `${UNARY[n][torch ? 0 : 1]}(${this.expr(a)})`;
    else if (REDUCE.has(n) && (b === undefined || b === null)) e = `${this.expr(a)}.${n}()`;
    else if (REDUCE.has(n) && typeof b === 'number') {
      const fn = torch && (n === 'max' || n === 'min') ? `a${n}` : n;
      e = torch
        ? `${this.expr(a)}.${fn}(dim=${b}, keepdim=${c === true ? 'True' : 'False'})`
        : `${this.expr(a)}.${n}(axis=${b}, keepdims=${c === true ? 'True' : 'False'})`;
    } else if (n === 'T' && result instanceof NDArray) {
      e = torch ? `${this.expr(a)}.permute${tuple([...result.shape.keys()].reverse())}` : `${this.expr(a)}.T`;
    } else throw this.refuse(`${req.op === 'method' ? 'NDArray.' : `${req.op}.`}${n} has no one-to-one ${torch ? 'PyTorch' : 'Gluon'} call here`);
    if (result instanceof NDArray) this.names.set(result, e);
  }
}

interface Translation {
  params: [string, number[]][];
  forward: string | null;
  why: string;
}

const cache = new WeakMap<CodeSite, Map<Dialect, Translation>>();

/** Traces the code at the site's input shapes (unknown dims as 2) into the dialect's expression. */
function translate(s: CodeSite, d: Dialect, self: string): Translation {
  let byDialect = cache.get(s);
  if (!byDialect) cache.set(s, (byDialect = new Map()));
  const hit = byDialect.get(d);
  if (hit) return hit;
  const m = codeModule(sourceOf(s.attrs), NODE);
  const xs = s.inputShapes.map((shape) =>
    np.full(
      shape.map((x) => (x < 0 ? 2 : x)),
      0.1,
    ),
  );
  const shapes = xs.map((x) => [...x.shape]);
  const params = m.params(NODE).map((p): [string, number[]] => [p.name, m.paramShape(NODE, p.name, shapes)]);
  const tracer = new PythonTracer(d);
  xs.forEach((x, i) => tracer.names.set(x, s.inputs[i]!));
  const arrays = new Map(
    params.map(([name, shape]) => {
      const x = np.full(shape, 0.01);
      tracer.names.set(x, d === 'pytorch' ? `${self}.${name}` : `${self}.${name}.data()`);
      return [name, x];
    }),
  );
  let forward: string | null = null;
  const outputs = codeOutputNames(sourceOf(s.attrs));
  if (outputs.length > 1) tracer.refusal = `it declares ${outputs.length} outputs (${outputs.join(', ')}), and a translated forward returns one`;
  else {
    try {
      const [y] = m.forward(NODE, xs, arrays, tracer);
      if (!tracer.refusal) forward = tracer.expr(y);
    } catch (e) {
      tracer.refusal ??= (e as Error).message;
    }
  }
  const t = { params, forward: tracer.refusal ? null : forward, why: tracer.refusal ?? '' };
  byDialect.set(d, t);
  return t;
}

const HOLDERS: Readonly<Record<Dialect, string>> = {
  pytorch: `class CodeParams(nn.Module):
    """A Blocksmith code block's parameters; its forward is written inline in the network's forward."""

    def __init__(self, shapes):
        super().__init__()
        for name, shape in shapes.items():
            self.register_parameter(name, nn.Parameter(torch.zeros(shape)))
`,
  gluon: `class CodeParams(nn.Block):
    """A Blocksmith code block's parameters; its forward is written inline in the network's forward."""

    def __init__(self, shapes, **kwargs):
        super().__init__(**kwargs)
        for name, shape in shapes.items():
            setattr(self, name, self.params.get(name, shape=shape))
`,
};

const stubName = (s: CodeSite): string => `CodeStub_${createHash('sha256').update(sourceOf(s.attrs)).digest('hex').slice(0, 8)}`;

function stub(s: CodeSite, d: Dialect, t: Translation): string {
  const base = d === 'pytorch' ? 'nn.Module' : 'nn.Block';
  const init =
    d === 'pytorch'
      ? t.params.map(([n, shape]) => `        self.${n} = nn.Parameter(torch.zeros(${tuple(shape)}))`)
      : t.params.map(([n, shape]) => `        self.${n} = self.params.get('${n}', shape=${tuple(shape)})`);
  const original = sourceOf(s.attrs)
    .trimEnd()
    .split('\n')
    .map((l) => `    #   ${l}`.trimEnd());
  return `# STUB: code block class ${stubName(s)} is not translated: ${t.why}. Write its forward by hand.
class ${stubName(s)}(${base}):
    """STUB (not translated: ${t.why}). The original code block (TypeScript, Blocksmith engine API):"""
${original.join('\n')}

    def __init__(self${d === 'gluon' ? ', **kwargs' : ''}):
        super().__init__(${d === 'gluon' ? '**kwargs' : ''})
${init.length ? init.join('\n') : '        pass'}

    def forward(self, *inputs):
        raise NotImplementedError('Blocksmith code block not translated: write forward() from the code above')
`;
}

function writer(d: Dialect): PythonLayerCode {
  const self = (s: CodeSite): string => s.self;
  return {
    preamble: (s) => {
      const t = translate(s, d, self(s));
      return t.forward === null ? stub(s, d, t) : t.params.length ? HOLDERS[d] : null;
    },
    module: (s) => {
      const t = translate(s, d, self(s));
      const prefix = d === 'gluon' ? `, prefix='${s.prefix}'` : '';
      if (t.forward === null) return `${stubName(s)}(${d === 'gluon' ? `prefix='${s.prefix}'` : ''})`;
      return t.params.length ? `CodeParams({${t.params.map(([n, shape]) => `'${n}': ${tuple(shape)}`).join(', ')}}${prefix})` : null;
    },
    forward: (s) => {
      const t = translate(s, d, self(s));
      return t.forward ?? `${s.self}(${s.inputs.join(', ')})`;
    },
  };
}

export const PYTORCH_CODE = writer('pytorch');
export const GLUON_CODE = writer('gluon');
