// What RNN, LSTM and GRU share (Gluon's rnn_layer semantics and parameter names): stacked layers,
// both directions, TNC (default) or NTC layout, dropout between layers, deferred input size. For
// float32 on the CPU each layer (both directions) is one fused op on oneDNN's RNN primitives
// (recurrent-fused.ts, engine/ops/recurrent.ts); elsewhere (CUDA, float64) the cells are composed
// from linear, slice and elementwise ops per time step, so autograd differentiates them with rows
// that exist. Gate order and formulas are PyTorch's and Gluon's (LSTM i, f, g, o; GRU r, z, n with
// the reset applied after h·W_hn), so the weights interchange; ONNX LSTM / GRU / RNN nodes take
// theirs reordered.
// Begin states (Gluon's begin_state; PyTorch's h_0 / c_0) are optional input ports `h0` (and `c0`
// for LSTM) of shape (layers · directions, N, hidden), zeros when open; the final states come out
// of the output ports `hn` (and `cn`) in that shape (index layer · directions + direction, as
// torch), and from `forwardState`.

import type { NDArray } from '../../ndarray/ndarray.ts';
import { autograd } from '../../autograd/index.ts';
import { np } from '../../ndarray/np.ts';
import { Block } from '../block.ts';
import type { Parameter } from '../parameter.ts';
import { modelErrors, pyTuple } from '../model-errors.ts';
import { CELL_CODE, fusedRecurrentFits } from '../../ops/recurrent.ts';
import type { HybridUnit } from '../hybrid-units.ts';
import { recurrentToOnnx } from './recurrent-onnx.ts';
import { cellOf, composedLayer, fusedLayer, type LayerRun } from './recurrent-run.ts';
import { shapeRule, type Attrs, type AttrSpec, type LayerSpec, type PortSpec, type ShapeLike } from './layer-spec.ts';

export type CellMode = 'rnn' | 'lstm' | 'gru';
export const GATES: Readonly<Record<CellMode, number>> = { rnn: 1, lstm: 4, gru: 3 };

export interface RecurrentArgs {
  numLayers?: number;
  /** 'TNC' (Gluon's default) or 'NTC' (batch first). */
  layout?: 'TNC' | 'NTC';
  /** Dropout on each layer's output but the last (training only). */
  dropout?: number;
  bidirectional?: boolean;
  /** Input features; 0 = from the first batch. */
  inputSize?: number;
  /** RNN only: 'tanh' or 'relu' (Gluon's default). */
  activation?: 'tanh' | 'relu';
  prefix?: string;
}

/** The parameters' short names in Gluon's order: l0_i2h_weight, l0_h2h_weight, l0_i2h_bias, l0_h2h_bias, r0_... */
export function paramNames(layers: number, bidirectional: boolean): string[] {
  const out: string[] = [];
  for (let l = 0; l < layers; l++) {
    for (const d of bidirectional ? ['l', 'r'] : ['l']) out.push(`${d}${l}_i2h_weight`, `${d}${l}_h2h_weight`, `${d}${l}_i2h_bias`, `${d}${l}_h2h_bias`);
  }
  return out;
}

/** PyTorch's state_dict name of a Gluon-named parameter (l1_i2h_weight → weight_ih_l1, r0_... → ..._reverse). */
export function torchName(short: string): string {
  const m = /^([lr])(\d+)_(i2h|h2h)_(weight|bias)$/.exec(short)!;
  return `${m[4]}_${m[3] === 'i2h' ? 'ih' : 'hh'}_l${m[2]}${m[1] === 'r' ? '_reverse' : ''}`;
}

function checkInput(kind: string, a: Attrs, x: ShapeLike): void {
  if (x.length !== 3) throw new Error(`${kind} expects (T, N, C) or (N, T, C) by its layout, got ${pyTuple(x.map((d) => (d < 0 ? -1 : d)))}`);
  const given = a.inputSize as number;
  if (given > 0 && x[2]! > 0 && x[2] !== given) throw new Error(`${kind} was given inputSize = ${given} but its input has ${x[2]} features`);
}

/** The begin / final state's shape (layers · directions, N, hidden) for input x. */
function stateShape(a: Attrs, x: ShapeLike): number[] {
  return [(a.numLayers as number) * (a.bidirectional ? 2 : 1), a.layout === 'NTC' ? x[0]! : x[1]!, a.hiddenSize as number];
}

/** Begin states given to the ports must be (layers · directions, N, hidden). */
function checkStates(a: Attrs, x: ShapeLike, states: readonly (ShapeLike | undefined)[]): void {
  const want = stateShape(a, x);
  states.forEach((st, i) => {
    if (!st) return;
    if (st.length !== 3 || st.some((d, k) => d > 0 && want[k]! > 0 && d !== want[k])) {
      const got = pyTuple(st.map((d) => (d < 0 ? -1 : d)));
      throw new Error(`the begin state ${i === 0 ? 'h0' : 'c0'} must be (layers · directions, N, hidden) = ${pyTuple(want)}, got ${got}`);
    }
  });
}

/** The state ports: h0, and c0 for an LSTM. */
const statePorts = (mode: CellMode): PortSpec[] => [
  { name: 'h0', doc: 'begin hidden state (layers · directions, N, hidden); open = zeros', optional: true },
  ...(mode === 'lstm' ? [{ name: 'c0', doc: 'begin cell state (layers · directions, N, hidden); open = zeros', optional: true }] : []),
];

/** The output ports: the sequence, then the final states. */
const outputPorts = (mode: CellMode): PortSpec[] => [
  { name: 'output', doc: 'the output sequence, (T, N, hidden · directions) in TNC layout' },
  { name: 'hn', doc: 'final hidden state (layers · directions, N, hidden)' },
  ...(mode === 'lstm' ? [{ name: 'cn', doc: 'final cell state (layers · directions, N, hidden)' }] : []),
];

/** The shape of one parameter given the input's features (or -1). */
function paramShape(mode: CellMode, short: string, a: Attrs, x?: ShapeLike): number[] {
  const h = a.hiddenSize as number;
  const g = GATES[mode] * h;
  const dirs = a.bidirectional ? 2 : 1;
  const layer = Number(/\d+/.exec(short)![0]);
  const inFeatures = layer > 0 ? dirs * h : x && x[2]! > 0 ? x[2]! : (a.inputSize as number) || -1;
  if (short.endsWith('bias')) return [g];
  return short.includes('i2h') ? [g, inFeatures] : [g, h];
}

export function recurrentSpec(kind: string, mode: CellMode, create: LayerSpec['create']): LayerSpec {
  const attrs: AttrSpec[] = [
    { name: 'hiddenSize', type: 'int', min: 1, doc: 'features of the hidden state' },
    { name: 'numLayers', type: 'int', min: 1, default: 1, doc: 'stacked layers' },
    ...(mode === 'rnn' ? [{ name: 'activation', type: 'enum' as const, choices: ['relu', 'tanh'], default: 'relu', doc: "the cell's nonlinearity" }] : []),
    { name: 'layout', type: 'enum', choices: ['TNC', 'NTC'], default: 'TNC', doc: 'time first (Gluon) or batch first' },
    { name: 'dropout', type: 'float', min: 0, max: 0.99, default: 0, doc: 'dropout between layers (training only)' },
    { name: 'bidirectional', type: 'bool', default: false, doc: 'also run backwards in time; outputs concatenated' },
    { name: 'inputSize', type: 'int', min: 0, default: 0, doc: 'input features; 0 = infer from the first batch' },
  ];
  const torchClass = { rnn: 'RNN', lstm: 'LSTM', gru: 'GRU' }[mode];
  return {
    kind,
    category: 'recurrent',
    doc: `${kind} over a sequence: (T, N, C) → (T, N, hidden · directions) in TNC layout.`,
    attrs,
    inputs: [{ name: 'data', doc: 'the sequence, (T, N, C) or (N, T, C) by the layout' }, ...statePorts(mode)],
    outputs: outputPorts(mode),
    // One entry per possible parameter: layers × directions, present when the attributes ask for them.
    params: paramNames(8, true).map((name) => ({
      name,
      init: name.endsWith('bias') ? 'zeros' : null,
      shape: (a: Attrs, x?: ShapeLike) => paramShape(mode, name, a, x),
      present: (a: Attrs) => paramNames(a.numLayers as number, !!a.bidirectional).includes(name),
    })),
    outputShape: (a, [x, ...states]) => {
      checkInput(kind, a, x!);
      checkStates(a, x!, states);
      return [x![0]!, x![1]!, (a.bidirectional ? 2 : 1) * (a.hiddenSize as number)];
    },
    outputShapes(a, ins) {
      const y = this.outputShape(a, ins);
      const st = stateShape(a, ins[0]!);
      return [y, st, ...(mode === 'lstm' ? [st] : [])];
    },
    flops: (a, [x]) => {
      const [t, n, c] = x!.map((d) => Math.max(d, 1)) as [number, number, number];
      const h = a.hiddenSize as number;
      return 2 * t * n * GATES[mode] * h * (c + h) * (a.numLayers as number) * (a.bidirectional ? 2 : 1);
    },
    repr: (a, x) =>
      `${kind}(${x && x[2]! > 0 ? x[2] : (a.inputSize as number) || 'None'} -> ${String(a.hiddenSize)}, ${String(a.layout)}` +
      `${(a.numLayers as number) > 1 ? `, num_layers=${String(a.numLayers)}` : ''}${a.bidirectional ? ', bidirectional' : ''})`,
    onnx: (e) => recurrentToOnnx(e, mode),
    code: {
      pytorch: {
        module: (s) =>
          `nn.${torchClass}(${s.inputShapes[0]![2]!}, ${String(s.attrs.hiddenSize)}, num_layers=${String(s.attrs.numLayers)}` +
          `${mode === 'rnn' ? `, nonlinearity='${String(s.attrs.activation)}'` : ''}, dropout=${String(s.attrs.dropout)}, ` +
          `bidirectional=${s.attrs.bidirectional ? 'True' : 'False'}, batch_first=${s.attrs.layout === 'NTC' ? 'True' : 'False'})`,
        forward: (s) => `${s.self}(${s.inputs[0]!}${beginState(s.inputs, mode, 'torch.zeros_like', (hc) => `(${hc.join(', ')})`)})[0]`,
        assignAll: (s) =>
          `${unpack(s.outputs, mode, '_', '(', ')')} = ` +
          `${s.self}(${s.inputs[0]!}${beginState(s.inputs, mode, 'torch.zeros_like', (hc) => `(${hc.join(', ')})`)})`,
        stateNames: Object.fromEntries(paramNames(8, true).map((n) => [n, torchName(n)])),
      },
      gluon: {
        module: (s) =>
          `rnn.${torchClass}(${String(s.attrs.hiddenSize)}, num_layers=${String(s.attrs.numLayers)}` +
          `${mode === 'rnn' ? `, activation='${String(s.attrs.activation)}'` : ''}, layout='${String(s.attrs.layout)}', dropout=${String(s.attrs.dropout)}, ` +
          `bidirectional=${s.attrs.bidirectional ? 'True' : 'False'}, input_size=${Math.max(s.inputShapes[0]![2]!, 0)}, prefix='${s.prefix}')`,
        forward: (s) => {
          const state = beginState(s.inputs, mode, 'nd.zeros_like', (hc) => `[${hc.join(', ')}]`);
          return state ? `${s.self}(${s.inputs[0]!}${state})[0]` : `${s.self}(${s.inputs[0]!})`;
        },
        // Gluon returns the states only when given some: the zeros of begin_state when the ports are open.
        assignAll: (s) => {
          const x = s.inputs[0]!;
          const state =
            beginState(s.inputs, mode, 'nd.zeros_like', (hc) => `[${hc.join(', ')}]`) ||
            `, ${s.self}.begin_state(batch_size=${x}.shape[${s.attrs.layout === 'NTC' ? 0 : 1}], ctx=${x}.context)`;
          return `${unpack(s.outputs, mode, '_', '[', ']')} = ${s.self}(${x}${state})`;
        },
        preamble: 'from mxnet.gluon import rnn',
      },
      typescript: {
        child: (s) => ({
          type: kind,
          make:
            `new ${kind}(${String(s.attrs.hiddenSize)}, { numLayers: ${String(s.attrs.numLayers)}, layout: '${String(s.attrs.layout)}', ` +
            `dropout: ${String(s.attrs.dropout)}, bidirectional: ${String(!!s.attrs.bidirectional)}, inputSize: ${Math.max(s.inputShapes[0]![2]!, 0)}, ` +
            `${mode === 'rnn' ? `activation: '${String(s.attrs.activation)}', ` : ''}prefix: '${s.prefix}' })`,
        }),
        forward: (s) => `${s.self}.call(${s.inputs[0]!}${beginState(s.inputs, mode, 'np.zerosLike', (hc) => hc.join(', '), true)})`,
        assignAll: (s) =>
          `const [${s.outputs[0]!}, [${s.outputs.slice(1).join(', ')}]] = ` +
          `${s.self}.forwardState(${s.inputs[0]!}${beginState(s.inputs, mode, 'np.zerosLike', (hc) => hc.join(', '), true)});`,
        imports: ['np'],
      },
    },
    create,
  };
}

/** Python's unpacking of (y, h) or (y, (h, c)); an output nobody reads is `unused`. */
function unpack(outputs: readonly string[], mode: CellMode, unused: string, open: string, close: string): string {
  const [y, h, c] = outputs.map((o) => o || unused);
  return mode === 'lstm' ? `${y!}, ${open}${h!}, ${c!}${close}` : `${y!}, ${h!}`;
}

/**
 * The code export's begin-state argument (', (h0, c0)'), '' when every state port is open; an
 * open one of an LSTM's pair is zeros like the other (`zeros` names the target's function).
 */
function beginState(inputs: readonly string[], mode: CellMode, zeros: string, pack: (hc: string[]) => string, flat = false): string {
  const [h, c] = [inputs[1] || '', inputs[2] || ''];
  if (!h && !c) return '';
  if (mode !== 'lstm') return `, ${h}`;
  const hc = [h || `${zeros}(${c})`, c || `${zeros}(${h})`];
  return `, ${flat ? hc.join(', ') : pack(hc)}`;
}

/** The layer every recurrent kind is; the kind's file fixes the cell. */
export abstract class RecurrentLayer extends Block {
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly layout: 'TNC' | 'NTC';
  readonly dropout: number;
  readonly bidirectional: boolean;
  readonly activation: 'tanh' | 'relu';
  private readonly weights = new Map<string, Parameter>();

  protected constructor(
    readonly kind: string,
    readonly mode: CellMode,
    hiddenSize: number,
    args: RecurrentArgs,
  ) {
    super({ prefix: args.prefix });
    if (!Number.isInteger(hiddenSize) || hiddenSize < 1) throw modelErrors.block(this.name, `hiddenSize must be a positive integer, got ${hiddenSize}.`);
    this.hiddenSize = hiddenSize;
    this.numLayers = args.numLayers ?? 1;
    this.layout = args.layout ?? 'TNC';
    this.dropout = args.dropout ?? 0;
    this.bidirectional = args.bidirectional ?? false;
    this.activation = args.activation ?? 'relu';
    if (!Number.isInteger(this.numLayers) || this.numLayers < 1)
      throw modelErrors.block(this.name, `numLayers must be a positive integer, got ${this.numLayers}.`);
    if (this.layout !== 'TNC' && this.layout !== 'NTC') throw modelErrors.block(this.name, `layout must be 'TNC' or 'NTC', got ${String(this.layout)}.`);
    if (!(this.dropout >= 0 && this.dropout < 1)) throw modelErrors.block(this.name, `dropout must be in [0, 1), got ${this.dropout}.`);
    const a = this.attrs(args.inputSize ?? 0);
    for (const name of paramNames(this.numLayers, this.bidirectional)) {
      this.weights.set(
        name,
        this.params.get(name, { shape: paramShape(mode, name, a), init: name.endsWith('bias') ? 'zeros' : null, dtype: 'float32', allowDeferredInit: true }),
      );
    }
  }

  private attrs(inputSize: number): Attrs {
    return { hiddenSize: this.hiddenSize, numLayers: this.numLayers, bidirectional: this.bidirectional, inputSize };
  }

  override inferShape(x: NDArray): void {
    const a = this.attrs(0);
    shapeRule(this.name, () => checkInput(this.kind, a, x.shape));
    const w = this.weights.get('l0_i2h_weight')!;
    const want = paramShape(this.mode, 'l0_i2h_weight', a, x.shape);
    for (const p of [w, this.weights.get('r0_i2h_weight')]) {
      if (!p) continue;
      try {
        p.shape = want;
      } catch {
        throw modelErrors.inputMismatch(this.name, p.name, pyTuple(p.shape!), pyTuple(want));
      }
    }
  }

  /** The output sequence; h0 (and c0) are the begin states (layers · directions, N, hidden), zeros when absent. */
  override forward(x: NDArray, h0?: NDArray, c0?: NDArray): NDArray {
    return this.run(x, h0, c0, false)[0];
  }

  /** The output ports: the sequence, then the final states (hn, and cn for an LSTM). */
  override callOutputs(...inputs: NDArray[]): NDArray[] {
    const [y, states] = this.forwardState(inputs[0]!, inputs[1], inputs[2]);
    return [y, ...states];
  }

  /**
   * Gluon's `layer(x, states)`: the output sequence and the final states [h, c] (c for an LSTM),
   * each (layers · directions, N, hidden).
   * @example const [y, [h, c]] = lstm.forwardState(x, h0, c0);
   */
  forwardState(x: NDArray, h0?: NDArray, c0?: NDArray): [NDArray, NDArray[]] {
    return this.run(x, h0, c0, true);
  }

  /** The layers over the sequence; the final states are stacked only when asked for (a plain forward skips two ops). */
  private run(x: NDArray, h0: NDArray | undefined, c0: NDArray | undefined, states: boolean): [NDArray, NDArray[]] {
    this.ensureInitialized(x);
    const inC = this.weights.get('l0_i2h_weight')!.shape![1]!;
    const a = { ...this.attrs(inC), layout: this.layout };
    shapeRule(this.name, () => {
      checkInput(this.kind, a, x.shape);
      checkStates(a, x.shape, [h0?.shape, c0?.shape]);
    });
    let seq = this.layout === 'NTC' ? x.transpose([1, 0, 2]) : x; // (T, N, C)
    const fused = fusedRecurrentFits(seq) && (!h0 || h0.dtype === 'float32') && (!c0 || c0.dtype === 'float32');
    const layers: LayerRun[] = [];
    for (let l = 0; l < this.numLayers; l++) {
      const run = this.layerRun(fused, seq, l, h0, c0);
      layers.push(run);
      seq = run.out;
      if (l < this.numLayers - 1 && this.dropout > 0 && autograd.isTraining()) {
        const keep = np.random.uniform(0, 1, seq.shape, { dtype: seq.dtype, device: seq.device }).ge(this.dropout).astype(seq.dtype);
        seq = seq.mul(keep.mul(1 / (1 - this.dropout)));
      }
    }
    // Each layer's (directions, N, H) states, concatenated over the layers: hn, and cn for an LSTM.
    const per = states ? layers.map((r) => r.states()) : [];
    const final = per.length
      ? per[0]!.map((s, k) =>
          per.length === 1
            ? s
            : np.concat(
                per.map((p) => p[k]!),
                0,
              ),
        )
      : [];
    return [this.layout === 'NTC' ? seq.transpose([1, 0, 2]) : seq, final];
  }

  /** Layer l: fused (oneDNN's RNN primitives) for float32 on the CPU, else composed per time step. */
  private layerRun(fused: boolean, seq: NDArray, l: number, h0?: NDArray, c0?: NDArray): LayerRun {
    const weight = (name: string): NDArray => this.weights.get(name)!.data(seq.device);
    const dirs = this.bidirectional ? 2 : 1;
    if (fused) return fusedLayer(cellOf(this.mode, this.activation), seq, l, dirs, this.hiddenSize, weight, h0, c0);
    return composedLayer({ mode: this.mode, activation: this.activation, hidden: this.hiddenSize, gates: GATES[this.mode] }, seq, l, dirs, weight, h0, c0);
  }

  /** One native step of a hybridized plan (native/src/net_plan_rnn.cc): the sequence output, as forward() returns it. */
  override hybridUnits(): HybridUnit[] | null {
    if (this.forward !== RecurrentLayer.prototype.forward) return null;
    return [
      {
        kind: 'recurrent',
        owner: this,
        cell: CELL_CODE[cellOf(this.mode, this.activation)],
        hidden: this.hiddenSize,
        layers: this.numLayers,
        directions: this.bidirectional ? 2 : 1,
        batchFirst: this.layout === 'NTC',
        params: paramNames(this.numLayers, this.bidirectional).map((n) => this.weights.get(n)!),
      },
    ];
  }

  override getConfig(): Record<string, unknown> {
    const inC = this.weights.get('l0_i2h_weight')!.shape![1]!;
    return {
      hiddenSize: this.hiddenSize,
      numLayers: this.numLayers,
      ...(this.mode === 'rnn' ? { activation: this.activation } : {}),
      layout: this.layout,
      dropout: this.dropout,
      bidirectional: this.bidirectional,
      inputSize: inC < 0 ? 0 : inC,
    };
  }
}
