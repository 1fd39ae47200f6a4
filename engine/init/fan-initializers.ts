// Initializers scaled by the fans of the weight: Xavier (Glorot) and MSRAPrelu (He), with
// Gluon's fan rule: hw = prod(shape[2:]), fan_in = shape[1]·hw, fan_out = shape[0]·hw.

import type { NDArray } from '../ndarray/ndarray.ts';
import { initError, pyTuple } from '../core/model-error.ts';
import { Initializer, randomNormal, randomUniform, writeInto } from './initializer.ts';

export type RndType = 'uniform' | 'gaussian';
export type FactorType = 'avg' | 'in' | 'out';

export interface XavierOptions {
  rndType?: RndType;
  factorType?: FactorType;
  magnitude?: number;
}

/** fan_in and fan_out of a weight of rank ≥ 2 (Gluon's rule). */
export function fans(name: string, shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length < 2) {
    throw initError(
      `Xavier initializer cannot be applied to vector ${name} of shape ${pyTuple(shape)}: it ` +
        'needs at least 2 dimensions. Give this parameter its own init (e.g. zeros).',
    );
  }
  let hw = 1;
  for (let i = 2; i < shape.length; i++) hw *= shape[i]!;
  return { fanIn: shape[1]! * hw, fanOut: shape[0]! * hw };
}

/** Xavier: scale = √(magnitude / factor); U(−scale, scale) or N(0, scale). */
export class Xavier extends Initializer {
  readonly rndType: RndType;
  readonly factorType: FactorType;
  readonly magnitude: number;

  constructor(options: XavierOptions = {}, kind = 'xavier', extraArgs: Record<string, unknown> = {}) {
    const rndType = options.rndType ?? 'uniform';
    const factorType = options.factorType ?? 'avg';
    const magnitude = options.magnitude ?? 3;
    super(kind, Object.keys(extraArgs).length ? extraArgs : { rndType, factorType, magnitude });
    if (rndType !== 'uniform' && rndType !== 'gaussian') {
      throw initError(`Unknown random type '${String(rndType)}' for Xavier: use 'uniform' or 'gaussian'.`);
    }
    if (factorType !== 'avg' && factorType !== 'in' && factorType !== 'out') {
      throw initError(`Incorrect factor type '${String(factorType)}' for Xavier: use 'avg', 'in' or 'out'.`);
    }
    this.rndType = rndType;
    this.factorType = factorType;
    this.magnitude = magnitude;
  }

  /** The scale this initializer uses for a weight of this shape. */
  scaleFor(name: string, shape: readonly number[]): number {
    const { fanIn, fanOut } = fans(name, shape);
    const factor = this.factorType === 'avg' ? (fanIn + fanOut) / 2 : this.factorType === 'in' ? fanIn : fanOut;
    return Math.sqrt(this.magnitude / factor);
  }

  override initWeight(name: string, arr: NDArray): void {
    const scale = this.scaleFor(name, arr.shape);
    writeInto(arr, this.rndType === 'uniform' ? randomUniform(arr, -scale, scale) : randomNormal(arr, 0, scale));
  }
}

/** He initialization for PReLU nets: Xavier('gaussian', factorType, 2 / (1 + slope²)). */
export class MSRAPrelu extends Xavier {
  readonly slope: number;
  constructor(options: { factorType?: FactorType; slope?: number } = {}) {
    const factorType = options.factorType ?? 'avg';
    const slope = options.slope ?? 0.25;
    super({ rndType: 'gaussian', factorType, magnitude: 2 / (1 + slope * slope) }, 'msraprelu', { factorType, slope });
    this.slope = slope;
  }
}
