// SGD with momentum and weight decay, Gluon's rule (MXNet sgd_update / sgd_mom_update):
//   g = clip(rescale · grad)
//   no momentum:  w ← w − lr · (g + wd · w)
//   momentum:     mom ← momentum · mom − lr · (g + wd · w);  w ← w + mom

import type { NDArray } from '../../ndarray/ndarray.ts';
import { np } from '../../ndarray/np.ts';
import { Optimizer, Temporaries, assign, fusedUpdate, type OptimizerOptions, type ParamState } from './optimizer.ts';

export interface SGDOptions extends OptimizerOptions {
  momentum?: number;
}

export class SGD extends Optimizer {
  readonly kind = 'sgd';
  momentum: number;

  constructor(options: SGDOptions = {}) {
    super(options, 0.01);
    this.momentum = options.momentum ?? 0;
  }

  createState(weight: NDArray): ParamState {
    return this.momentum === 0 ? {} : { mom: np.zerosLike(weight) };
  }

  step(weight: NDArray, grad: NDArray, state: ParamState, lr: number, wd: number): void {
    // Without clipping or decay, rescale folds into the step size: two elementwise passes fewer.
    const fold = this.clipGradient === null && wd === 0;
    if (
      fusedUpdate('sgd', weight, grad, state.mom ?? null, null, {
        lr: fold ? lr * this.rescaleGrad : lr,
        wd,
        rescale: this.rescaleGrad,
        clip: this.clipGradient,
        momentum: this.momentum,
        rescaleFirst: !fold,
      })
    )
      return;
    this.stepUnfused(weight, grad, state, lr, wd);
  }

  /** The rule op by op (dtypes or devices the fused kernel does not take). */
  stepUnfused(weight: NDArray, grad: NDArray, state: ParamState, lr: number, wd: number): void {
    const tmp = new Temporaries();
    const fold = this.clipGradient === null && wd === 0;
    const g = fold ? grad : this.prepareGrad(grad, tmp);
    const direction = wd === 0 ? g : tmp.t(g.add(tmp.t(weight.mul(wd))));
    if (fold) lr *= this.rescaleGrad;
    const mom = state.mom;
    if (!mom) {
      assign(weight, weight.sub(tmp.t(direction.mul(lr))));
    } else {
      assign(mom, tmp.t(mom.mul(this.momentum)).sub(tmp.t(direction.mul(lr))));
      assign(weight, weight.add(mom));
    }
    tmp.dispose();
  }

  hyperParameters(): Record<string, number | string | null> {
    return { learningRate: this.learningRate, momentum: this.momentum, wd: this.wd, clipGradient: this.clipGradient };
  }
}
