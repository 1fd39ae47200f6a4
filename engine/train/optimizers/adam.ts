// Adam, Gluon's rule (MXNet 1.x Adam.update + adam_update): weight decay is added to the gradient
// (coupled, unlike AdamW), and the bias correction is folded into the step size.
//   t = numUpdate;  lr_t = lr · √(1 − β2^t) / (1 − β1^t)
//   g = clip(rescale · grad + wd · w)
//   m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²;  w ← w − lr_t · m / (√v + ε)

import type { NDArray } from '../../ndarray/ndarray.ts';
import { np } from '../../ndarray/np.ts';
import { Optimizer, Temporaries, assign, fusedUpdate, type OptimizerOptions, type ParamState } from './optimizer.ts';

export interface AdamOptions extends OptimizerOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export class Adam extends Optimizer {
  readonly kind: 'adam' | 'adamw' = 'adam';
  beta1: number;
  beta2: number;
  epsilon: number;

  constructor(options: AdamOptions = {}) {
    super(options, 0.001);
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
  }

  createState(weight: NDArray): ParamState {
    return { mean: np.zerosLike(weight), var: np.zerosLike(weight) };
  }

  /** m and v after this step's gradient (shared with AdamW). */
  protected moments(g: NDArray, state: ParamState, tmp: Temporaries): { m: NDArray; v: NDArray } {
    const m = state.mean!;
    const v = state.var!;
    assign(m, tmp.t(m.mul(this.beta1)).add(tmp.t(g.mul(1 - this.beta1))));
    assign(v, tmp.t(v.mul(this.beta2)).add(tmp.t(tmp.t(g.square()).mul(1 - this.beta2))));
    return { m, v };
  }

  step(weight: NDArray, grad: NDArray, state: ParamState, lr: number, wd: number): void {
    const t = Math.max(1, this.numUpdate);
    const lrT = (lr * Math.sqrt(1 - this.beta2 ** t)) / (1 - this.beta1 ** t);
    if (
      fusedUpdate('adam', weight, grad, state.mean!, state.var!, {
        lr: lrT,
        wd,
        rescale: this.rescaleGrad,
        clip: this.clipGradient,
        beta1: this.beta1,
        beta2: this.beta2,
        epsilon: this.epsilon,
      })
    )
      return;
    this.stepUnfused(weight, grad, state, lr, wd);
  }

  /** The rule op by op (dtypes or devices the fused kernel does not take). */
  stepUnfused(weight: NDArray, grad: NDArray, state: ParamState, lr: number, wd: number): void {
    const t = Math.max(1, this.numUpdate);
    const lrT = (lr * Math.sqrt(1 - this.beta2 ** t)) / (1 - this.beta1 ** t);
    const tmp = new Temporaries();
    // MXNet's adam_update adds wd·w before clipping.
    let g = this.rescaleGrad === 1 ? grad : tmp.t(grad.mul(this.rescaleGrad));
    if (wd !== 0) g = tmp.t(g.add(tmp.t(weight.mul(wd))));
    if (this.clipGradient !== null) g = tmp.t(np.minimum(tmp.t(np.maximum(g, -this.clipGradient)), this.clipGradient));
    const { m, v } = this.moments(g, state, tmp);
    assign(weight, weight.sub(tmp.t(tmp.t(m.mul(lrT)).div(tmp.t(tmp.t(v.sqrt()).add(this.epsilon))))));
    tmp.dispose();
  }

  hyperParameters(): Record<string, number | string | null> {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, wd: this.wd, clipGradient: this.clipGradient };
  }
}
