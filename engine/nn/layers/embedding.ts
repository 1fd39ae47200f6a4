// Embedding: integer token ids of any shape → vectors, out[..., :] = weight[x[...], :] with
// weight (inputDim, outputDim), on the native row gather (npx.take); the gradient scatter-adds,
// so a token that repeats in a batch sums its gradients. Gluon's Embedding and PyTorch's
// nn.Embedding; ONNX Gather. The weight is the tie point of a language model's output Dense.

import type { NDArray } from '../../ndarray/ndarray.ts';
import { take } from '../../ops/take.ts';
import type { InitSpec } from '../../init/registry.ts';
import { Block } from '../block.ts';
import type { HybridUnit } from '../hybrid-units.ts';
import type { ParameterDict } from '../parameter-dict.ts';
import type { Parameter } from '../parameter.ts';
import { modelErrors } from '../model-errors.ts';
import { ONE_OUTPUT, shapeRule, type LayerSpec } from './layer-spec.ts';

/** Embedding's options (Gluon's keyword arguments, camelCased). */
export interface EmbeddingArgs {
  /** The weight's own init; null = the block-level init given to initialize(). */
  weightInitializer?: InitSpec | null;
  /** Share another layer's parameters (a tied Dense shares this weight). */
  params?: ParameterDict;
  prefix?: string;
}

const checkDim = (what: string, v: unknown): number => {
  if (!Number.isInteger(v) || (v as number) < 1) throw new Error(`${what} must be a positive integer, got ${String(v)}`);
  return v as number;
};

export class Embedding extends Block {
  static readonly spec: LayerSpec = {
    kind: 'Embedding',
    category: 'embedding',
    doc: 'Looks up a vector per integer id: (...) ids in [0, inputDim) → (..., outputDim).',
    attrs: [
      { name: 'inputDim', type: 'int', min: 1, doc: 'vocabulary size (ids run 0 .. inputDim − 1)' },
      { name: 'outputDim', type: 'int', min: 1, doc: 'the size of each vector' },
      { name: 'weightInitializer', type: 'initializer', default: null, doc: 'weight init (null: the block-level init)' },
    ],
    inputs: [{ name: 'data', doc: 'integer ids (int32 / int64, or whole floats), any shape' }],
    outputs: ONE_OUTPUT,
    params: [{ name: 'weight', init: null, shape: (a) => [a.inputDim as number, a.outputDim as number] }],
    outputShape: (a, [x]) => [...x!, checkDim('outputDim', a.outputDim)],
    repr: (a) => `Embedding(${String(a.inputDim)} -> ${String(a.outputDim)}, float32)`,
    // ONNX Gather on axis 0 wants integer indices: Cast to int64 (a no-op for int64 inputs).
    onnx: (e) => e.node('Gather', [e.param('weight'), e.node('Cast', [e.inputs[0]!], { to: 7 })], { axis: 0 }),
    code: {
      pytorch: {
        module: (s) => `nn.Embedding(${String(s.attrs.inputDim)}, ${String(s.attrs.outputDim)})`,
        forward: (s) => `${s.self}(${s.inputs[0]!}.long())`,
      },
      gluon: {
        module: (s) =>
          `nn.Embedding(${String(s.attrs.inputDim)}, ${String(s.attrs.outputDim)}${s.tiedTo ? `, params=${s.tiedTo}.params` : ''}, prefix='${s.prefix}')`,
        forward: (s) => `${s.self}(${s.inputs[0]!})`,
      },
      typescript: {
        child: (s) => ({
          type: 'Embedding',
          make: `new Embedding(${String(s.attrs.inputDim)}, ${String(s.attrs.outputDim)}, { ${s.tiedTo ? `params: ${s.tiedTo}.params, ` : ''}prefix: '${s.prefix}' })`,
        }),
      },
    },
    create: (a, o) => new Embedding(a.inputDim as number, a.outputDim as number, { ...(a as EmbeddingArgs), prefix: o.prefix, params: o.params ?? undefined }),
  };

  readonly inputDim: number;
  readonly outputDim: number;
  readonly weight: Parameter;

  /** `new Embedding(vocab, dim)`: ids in [0, vocab) to dim-sized vectors. */
  constructor(inputDim: number, outputDim: number, args: EmbeddingArgs = {}) {
    super({ prefix: args.prefix, params: args.params ?? null });
    shapeRule(this.name, () => [checkDim('inputDim', inputDim), checkDim('outputDim', outputDim)]);
    this.inputDim = inputDim;
    this.outputDim = outputDim;
    this.weight = this.params.get('weight', { shape: [inputDim, outputDim], init: args.weightInitializer ?? null, dtype: 'float32', allowDeferredInit: true });
  }

  override forward(x: NDArray): NDArray {
    this.ensureInitialized(x);
    try {
      return take(this.weight.data(x.device), x);
    } catch (error) {
      throw modelErrors.block(this.name, `${(error as Error).message} (ids must lie in [0, ${this.inputDim}))`);
    }
  }

  override hybridUnits(): HybridUnit[] | null {
    if (this.forward !== Embedding.prototype.forward) return null;
    return [{ kind: 'embedding', owner: this, weight: this.weight, inputDim: this.inputDim, outputDim: this.outputDim }];
  }

  override getConfig(): Record<string, unknown> {
    return { inputDim: this.inputDim, outputDim: this.outputDim };
  }

  override toString(): string {
    return Embedding.spec.repr(this.getConfig());
  }
}
