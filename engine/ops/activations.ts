// Activations with parameters (leaky relu, elu, selu, silu / swish, softplus, hard sigmoid, hard
// swish, gelu's two forms, PReLU) and log-softmax, as the functions npx exposes. All but PReLU
// are native unary ops (oneDNN eltwise on the CPU where 2.6 has the algorithm); PReLU, whose
// alpha is learned, is composed so its gradient reaches alpha through existing rows.

import { errors, formatShape } from '../core/errors.ts';
import type { NDArray } from '../ndarray/ndarray-core.ts';
import { binary, unary } from './elementwise.ts';
import { reshape } from './layout.ts';
import { softmax } from './reduce.ts';
import { checkArray, checkSameDevice } from './operands.ts';

function checkParameter(op: string, name: string, v: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw errors.args(op, `${name} must be a finite number, got ${String(v)}`);
  return v;
}

/** x for x > 0, alpha · x otherwise (Gluon LeakyReLU; PyTorch's negative_slope, default 0.01). */
export function leakyRelu(x: NDArray, alpha = 0.01): NDArray {
  return unary('leakyRelu', x, checkParameter('leakyRelu', 'alpha', alpha));
}

/** x for x > 0, alpha · (eˣ − 1) otherwise (default alpha 1). */
export function elu(x: NDArray, alpha = 1): NDArray {
  return unary('elu', x, checkParameter('elu', 'alpha', alpha));
}

/** scale · elu(x, 1.6732…) with scale 1.0507… (the self-normalizing constants). */
export function selu(x: NDArray): NDArray {
  return unary('selu', x);
}

/** x · sigmoid(beta · x): SiLU for beta = 1 (the default), Gluon's Swish(beta) otherwise. */
export function silu(x: NDArray, beta = 1): NDArray {
  return unary('silu', x, checkParameter('silu', 'beta', beta));
}

/** log(1 + eˣ), PyTorch's softplus with beta 1 (MXNet's softrelu), accurate for large |x|. */
export function softplus(x: NDArray): NDArray {
  return unary('softrelu', x);
}

/** PyTorch's hardsigmoid: relu6(x + 3) / 6. */
export function hardSigmoid(x: NDArray): NDArray {
  return unary('hardSigmoid', x);
}

/** PyTorch's hardswish: x · relu6(x + 3) / 6. */
export function hardSwish(x: NDArray): NDArray {
  return unary('hardSwish', x);
}

/** GELU, exact (erf) by default; approximate 'tanh' gives PyTorch's gelu(approximate='tanh'). */
export function gelu(x: NDArray, options: { approximate?: 'none' | 'tanh' } = {}): NDArray {
  const approximate = options.approximate ?? 'none';
  if (approximate !== 'none' && approximate !== 'tanh') throw errors.args('gelu', `approximate must be 'none' or 'tanh', got ${String(approximate)}`);
  return unary(approximate === 'tanh' ? 'geluTanh' : 'gelu', x);
}

/**
 * PReLU: x for x > 0, alpha · x otherwise, with a learnable alpha of one element (shared) or of
 * C = x.shape[1] elements (one per channel, broadcast over axis 1), as PyTorch's PReLU. Written as
 * relu(x) + alpha · (x − relu(x)): the gradient is 1 / alpha in x (alpha at x = 0, as PyTorch)
 * and x − relu(x) = min(x, 0) in alpha, both from existing rows, on every device.
 */
export function prelu(x: NDArray, alpha: NDArray): NDArray {
  const op = 'prelu';
  checkArray(op, x, 'x');
  checkArray(op, alpha, 'alpha');
  checkSameDevice(op, x, alpha);
  let a = alpha;
  if (alpha.size !== 1) {
    if (x.ndim < 2 || alpha.ndim !== 1 || alpha.size !== x.shape[1]) {
      throw errors.shapeMismatch(
        op,
        `alpha must have 1 element or one per channel (axis 1) of x ${formatShape(x.shape)}, ` + `got ${formatShape(alpha.shape)}`,
      );
    }
    a = reshape(
      alpha,
      x.shape.map((d, i) => (i === 1 ? d : 1)),
    );
  } else if (alpha.ndim > x.ndim) {
    a = reshape(alpha, []);
  }
  const pos = unary('relu', x);
  return binary('add', pos, binary('mul', a, binary('sub', x, pos)));
}

/** log(softmax(x)) along axis (default the last), computed stably in one kernel. */
export function logSoftmax(x: NDArray, axis = -1): NDArray {
  return softmax(x, axis, true);
}
