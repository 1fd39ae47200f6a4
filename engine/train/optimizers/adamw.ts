// AdamW (Loshchilov & Hutter, "Decoupled Weight Decay Regularization"; PyTorch's AdamW): the decay
// shrinks the weight directly instead of entering the gradient, so Adam's per-element scaling does
// not weaken it. With bias-corrected moments m̂ = m / (1 − β1^t), v̂ = v / (1 − β2^t):
//   g = clip(rescale · grad);  m, v as Adam;  w ← w − lr · (m̂ / (√v̂ + ε) + wd · w)

import type { NDArray } from '../../ndarray/ndarray.ts';
import { Adam, type AdamOptions } from './adam.ts';
import { Temporaries, assign, fusedUpdate, type ParamState } from './optimizer.ts';

export class AdamW extends Adam {
  override readonly kind = 'adamw';

  constructor(options: AdamOptions = {}) {
    // PyTorch's default decay; Adam's is 0.
    super({ ...options, wd: options.wd ?? 0.01 });
  }

  override step(weight: NDArray, grad: NDArray, state: ParamState, lr: number, wd: number): void {
    const t = Math.max(1, this.numUpdate);
    if (
      fusedUpdate('adamw', weight, grad, state.mean!, state.var!, {
        lr,
        wd,
        rescale: this.rescaleGrad,
        clip: this.clipGradient,
        beta1: this.beta1,
        beta2: this.beta2,
        epsilon: this.epsilon,
        c1: 1 - this.beta1 ** t,
        c2: 1 - this.beta2 ** t,
      })
    )
      return;
    this.stepUnfused(weight, grad, state, lr, wd);
  }

  override stepUnfused(weight: NDArray, grad: NDArray, state: ParamState, lr: number, wd: number): void {
    const t = Math.max(1, this.numUpdate);
    const tmp = new Temporaries();
    const { m, v } = this.moments(this.prepareGrad(grad, tmp), state, tmp);
    const mHat = tmp.t(m.div(1 - this.beta1 ** t));
    const vHat = tmp.t(v.div(1 - this.beta2 ** t));
    let update = tmp.t(mHat.div(tmp.t(tmp.t(vHat.sqrt()).add(this.epsilon))));
    if (wd !== 0) update = tmp.t(update.add(tmp.t(weight.mul(wd))));
    assign(weight, weight.sub(tmp.t(update.mul(lr))));
    tmp.dispose();
  }
}
