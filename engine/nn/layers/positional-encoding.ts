// PositionalEncoding: adds a position signal to (N, T, C): the Transformer's sinusoids (a
// constant: sin on even features, cos on odd, wavelengths 2π·10000^(2i/C)) or a learned
// (maxLength, C) table (a parameter, as BERT / GPT). T may be anything up to maxLength.

import type { NDArray } from '../../ndarray/ndarray.ts';
import { np } from '../../ndarray/np.ts';
import { Block } from '../block.ts';
import type { HybridUnit } from '../hybrid-units.ts';
import type { Parameter } from '../parameter.ts';
import { modelErrors, pyTuple } from '../model-errors.ts';
import { ONE_INPUT, ONE_OUTPUT, shapeRule, type Attrs, type LayerSpec, type ShapeLike } from './layer-spec.ts';

export type PositionMode = 'sinusoidal' | 'learned';

export interface PositionalEncodingArgs {
  mode?: PositionMode;
  /** The longest sequence; the learned table's rows. */
  maxLength?: number;
  prefix?: string;
}

/** The sinusoidal table (rows, c), row-major. */
export function sinusoids(rows: number, c: number): number[] {
  const out: number[] = [];
  for (let p = 0; p < rows; p++) {
    for (let i = 0; i < c; i++) {
      const angle = p / Math.pow(10000, (2 * Math.floor(i / 2)) / c);
      out.push(i % 2 === 0 ? Math.sin(angle) : Math.cos(angle));
    }
  }
  return out;
}

function checkInput(a: Attrs, x: ShapeLike): void {
  if (x.length !== 3) throw new Error(`PositionalEncoding expects (N, T, C), got ${pyTuple(x.map((d) => (d < 0 ? -1 : d)))}`);
  if (x[1]! > (a.maxLength as number)) throw new Error(`the sequence length ${x[1]} is longer than maxLength = ${String(a.maxLength)}`);
}

const TORCH_POSITIONS = `class PositionalEncoding(nn.Module):
    def __init__(self, max_length, channels, learned):
        super().__init__()
        if learned:
            self.weight = nn.Parameter(torch.zeros(max_length, channels))
        else:
            p = torch.arange(max_length, dtype=torch.float64)[:, None]
            i = torch.arange(channels)
            angle = p / torch.pow(10000.0, (2 * (i // 2)).double() / channels)
            self.register_buffer('table', torch.where(i % 2 == 0, torch.sin(angle), torch.cos(angle)).float(), persistent=False)
            self.weight = None

    def forward(self, x):
        table = self.weight if self.weight is not None else self.table
        return x + table[: x.shape[1]]`;

const GLUON_POSITIONS = `class PositionalEncoding(nn.Block):
    def __init__(self, max_length, channels, learned, **kwargs):
        super().__init__(**kwargs)
        self.learned = learned
        with self.name_scope():
            if learned:
                self.weight = self.params.get('weight', shape=(max_length, channels))
            else:
                p = nd.arange(max_length).reshape((-1, 1))
                i = nd.arange(channels).reshape((1, -1))
                angle = nd.broadcast_div(p, nd.power(10000.0, 2 * nd.floor(i / 2) / channels))
                even = nd.broadcast_equal(nd.broadcast_mod(i, nd.array([2])), nd.zeros((1, 1)))
                self.table = nd.where(nd.broadcast_to(even, angle.shape), nd.sin(angle), nd.cos(angle))

    def forward(self, x):
        table = self.weight.data(x.context) if self.learned else self.table.as_in_context(x.context)
        return nd.broadcast_add(x, table[: x.shape[1]].expand_dims(0))`;

export class PositionalEncoding extends Block {
  static readonly spec: LayerSpec = {
    kind: 'PositionalEncoding',
    category: 'embedding',
    doc: 'Adds a position signal to (N, T, C): fixed sinusoids or a learned table.',
    attrs: [
      { name: 'mode', type: 'enum', choices: ['sinusoidal', 'learned'], default: 'sinusoidal', doc: 'fixed sinusoids (a constant) or a learned table' },
      { name: 'maxLength', type: 'int', min: 1, default: 512, doc: "the longest sequence (the table's rows)" },
    ],
    inputs: ONE_INPUT,
    outputs: ONE_OUTPUT,
    params: [{ name: 'weight', init: null, shape: (a, x) => [a.maxLength as number, x ? x[2]! : -1], present: (a) => a.mode === 'learned' }],
    outputShape: (a, [x]) => {
      checkInput(a, x!);
      return [...x!];
    },
    repr: (a) => `PositionalEncoding(${String(a.mode)}, max_length=${String(a.maxLength)})`,
    onnx: (e) => {
      const x = e.inputs[0]!;
      const c = e.inputShapes[0]![2]!;
      const rows = e.attrs.maxLength as number;
      const table = e.attrs.mode === 'learned' ? e.param('weight') : e.constant(sinusoids(rows, c), [rows, c]);
      // The first T rows, T read from x at run time.
      const t = e.node('Slice', [e.node('Shape', [x]), e.ints([1]), e.ints([2])]);
      return e.node('Add', [x, e.node('Slice', [table, e.ints([0]), t, e.ints([0])])]);
    },
    code: {
      pytorch: {
        module: (s) => `PositionalEncoding(${String(s.attrs.maxLength)}, ${s.inputShapes[0]![2]!}, ${s.attrs.mode === 'learned' ? 'True' : 'False'})`,
        forward: (s) => `${s.self}(${s.inputs[0]!})`,
        preamble: TORCH_POSITIONS,
      },
      gluon: {
        module: (s) =>
          `PositionalEncoding(${String(s.attrs.maxLength)}, ${s.inputShapes[0]![2]!}, ${s.attrs.mode === 'learned' ? 'True' : 'False'}, prefix='${s.prefix}')`,
        forward: (s) => `${s.self}(${s.inputs[0]!})`,
        preamble: GLUON_POSITIONS,
      },
      typescript: {
        child: (s) => ({
          type: 'PositionalEncoding',
          make: `new PositionalEncoding({ mode: '${String(s.attrs.mode)}', maxLength: ${String(s.attrs.maxLength)}, prefix: '${s.prefix}' })`,
        }),
      },
    },
    create: (a, o) => new PositionalEncoding({ ...(a as PositionalEncodingArgs), prefix: o.prefix }),
  };

  readonly mode: PositionMode;
  readonly maxLength: number;
  readonly weight: Parameter | null;

  constructor(args: PositionalEncodingArgs = {}) {
    super({ prefix: args.prefix });
    this.mode = args.mode ?? 'sinusoidal';
    this.maxLength = args.maxLength ?? 512;
    if (this.mode !== 'sinusoidal' && this.mode !== 'learned')
      throw modelErrors.block(this.name, `mode must be 'sinusoidal' or 'learned', got ${String(this.mode)}.`);
    if (!Number.isInteger(this.maxLength) || this.maxLength < 1)
      throw modelErrors.block(this.name, `maxLength must be a positive integer, got ${String(this.maxLength)}.`);
    this.weight =
      this.mode === 'learned' ? this.params.get('weight', { shape: [this.maxLength, -1], init: null, dtype: 'float32', allowDeferredInit: true }) : null;
  }

  override inferShape(x: NDArray): void {
    shapeRule(this.name, () => checkInput(this.getConfig(), x.shape));
    if (this.weight) this.weight.shape = [this.maxLength, x.shape[2]!];
  }

  override forward(x: NDArray): NDArray {
    shapeRule(this.name, () => checkInput(this.getConfig(), x.shape));
    this.ensureInitialized(x);
    const [t, c] = [x.shape[1]!, x.shape[2]!];
    const table = this.weight ? this.weight.data(x.device).slice([0, t]) : np.array(sinusoids(t, c), { dtype: x.dtype, device: x.device }).reshape([t, c]);
    return x.add(table);
  }

  override hybridUnits(): HybridUnit[] | null {
    if (this.forward !== PositionalEncoding.prototype.forward) return null;
    return [{ kind: 'position', owner: this, weight: this.weight, maxLength: this.maxLength, table: sinusoids }];
  }

  override getConfig(): Record<string, unknown> {
    return { mode: this.mode, maxLength: this.maxLength };
  }
}
