// The simple built-ins with Gluon's defaults: Uniform(0.07), Normal(0.01), Constant, Zero, One,
// LSTMBias. Each writes into the parameter's array in place.

import type { NDArray } from '../ndarray/ndarray.ts';
import { Initializer, randomNormal, randomUniform, writeInto } from './initializer.ts';

/** U(-scale, scale); Gluon's default block initializer. */
export class Uniform extends Initializer {
  readonly scale: number;
  constructor(scale = 0.07) {
    super('uniform', { scale });
    this.scale = scale;
  }
  override initWeight(_name: string, arr: NDArray): void {
    writeInto(arr, randomUniform(arr, -this.scale, this.scale));
  }
}

/** N(0, sigma). */
export class Normal extends Initializer {
  readonly sigma: number;
  constructor(sigma = 0.01) {
    super('normal', { sigma });
    this.sigma = sigma;
  }
  override initWeight(_name: string, arr: NDArray): void {
    writeInto(arr, randomNormal(arr, 0, this.sigma));
  }
}

/** arr[:] = value (a number, or an array that broadcasts to the parameter's shape). */
export class Constant extends Initializer {
  readonly value: number | NDArray;
  constructor(value: number | NDArray = 0) {
    super('constant', { value: typeof value === 'number' ? value : value.toArray() });
    this.value = value;
  }
  override initWeight(_name: string, arr: NDArray): void {
    arr.set(null, this.value);
  }
}

export class Zero extends Initializer {
  constructor() {
    super('zeros');
  }
  override initWeight(_name: string, arr: NDArray): void {
    arr.set(null, 0);
  }
}

export class One extends Initializer {
  constructor() {
    super('ones');
  }
  override initWeight(_name: string, arr: NDArray): void {
    arr.set(null, 1);
  }
}

/** Zeros except the forget gate's slice [h, 2h) of an LSTM bias, set to forgetBias. */
export class LSTMBias extends Initializer {
  readonly forgetBias: number;
  constructor(forgetBias = 1.0) {
    super('lstmbias', { forgetBias });
    this.forgetBias = forgetBias;
  }
  override initWeight(_name: string, arr: NDArray): void {
    arr.set(null, 0);
    const h = Math.floor(arr.shape[0]! / 4);
    arr.set([[h, 2 * h]], this.forgetBias);
  }
}
