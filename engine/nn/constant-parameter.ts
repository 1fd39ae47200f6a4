// A constant parameter (Gluon's Constant, from params.getConstant): a value the network reads but
// training never updates, so its gradReq is fixed at 'null'.

import type { NDArray } from '../ndarray/ndarray.ts';
import type { GradReq } from '../autograd/backward.ts';
import { Constant } from '../init/basic-initializers.ts';
import { Parameter } from './parameter.ts';
import { warn } from './model-warnings.ts';

export class ConstantParameter extends Parameter {
  readonly value: NDArray;

  constructor(name: string, value: NDArray) {
    super(name, { shape: value.shape, dtype: value.dtype, gradReq: 'null', init: new Constant(value) });
    this.value = value;
  }

  override get gradReq(): GradReq {
    return this._gradReq;
  }

  /** Constants never train: other values are ignored with a warning (as in Gluon). */
  override set gradReq(req: GradReq) {
    if (req !== 'null') warn(`Constant parameter '${this.name}' does not support gradReq '${req}'; it stays 'null'.`);
  }

  /** Gluon passes value.dtype, a numpy type class, so constants print `<class 'numpy.float32'>`. */
  protected override dtypeRepr(): string {
    return `<class 'numpy.${this.dtype}'>`;
  }

  override toString(): string {
    return `Constant ${this.name} (shape=${this.describeShape()}, dtype=${this.dtypeRepr()})`;
  }
}
