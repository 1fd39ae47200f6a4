// Reverse-mode differentiation over the recorded graph: topological order from the head,
// gradients summed where an array feeds several ops, leaves updated per gradReq
// ('write' overwrites, 'add' accumulates across backward calls, 'null' is skipped).

import { errors } from '../core/errors.ts';
import type { NDArray } from '../ndarray/ndarray-core.ts';
import { full, zeros } from '../ndarray/creation.ts';
import { sameShape } from '../ndarray/shape.ts';
import { isFloat } from '../ndarray/dtype.ts';
import { binary, writeInto } from '../ops/elementwise.ts';
import { castTo } from '../ops/operands.ts';
import { OP_TABLE } from '../ops/table.ts';
import { recordingState, tracksGrad, withRecording } from './tape.ts';

export type GradReq = 'write' | 'add' | 'null';

export interface BackwardOptions {
  /** Keep the recorded graph so backward can run through it again (default false: freed). */
  retainGraph?: boolean;
}

export function attachGrad(x: NDArray, gradReq: GradReq = 'write'): void {
  if (gradReq !== 'write' && gradReq !== 'add' && gradReq !== 'null') {
    throw errors.args('attachGrad', `gradReq must be 'write', 'add' or 'null', got ${JSON.stringify(gradReq)}`);
  }
  if (gradReq !== 'null' && !isFloat(x.dtype)) {
    throw errors.dtype('attachGrad', `gradients need a float array, got ${x.dtype}; use astype('float32') first`);
  }
  x._node = null;
  x._gradReq = gradReq;
  x._grad = gradReq === 'null' ? null : zeros(x.shape, { dtype: x.dtype, device: x.device });
}

/**
 * Arrays with a tape node, inputs before the ops that used them; `leafUses` counts, per leaf
 * array that wants a gradient, the op inputs that read it.
 */
function topologicalOrder(head: NDArray, leafUses: Map<NDArray, number>): NDArray[] {
  const order: NDArray[] = [];
  const seen = new Set<NDArray>();
  const stack: [NDArray, number][] = [[head, 0]];
  seen.add(head);
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    const [v, i] = top;
    const inputs = v._node!.inputs;
    if (i < inputs.length) {
      top[1] = i + 1;
      const u = inputs[i]!;
      if (u._node === null) {
        if (u._gradReq !== 'null') leafUses.set(u, (leafUses.get(u) ?? 0) + 1);
      } else if (!seen.has(u)) {
        seen.add(u);
        stack.push([u, 0]);
      }
    } else {
      stack.pop();
      order.push(v);
    }
  }
  return order;
}

export function backward(y: NDArray, headGrad?: NDArray | number, options?: BackwardOptions): void {
  if (y._node === null && y._gradReq === 'null') {
    throw errors.grad(
      'backward',
      'y was not computed inside autograd.record() from arrays with attachGrad() ' +
        '(or its graph was already freed by an earlier backward; pass { retainGraph: true } to keep it).',
    );
  }
  let head: NDArray;
  if (headGrad === undefined || typeof headGrad === 'number') {
    head = full(y.shape, headGrad ?? 1, { dtype: y.dtype, device: y.device }, 'backward');
  } else {
    if (!sameShape(headGrad.shape, y.shape)) {
      throw errors.shapeMismatch(
        'backward',
        `head gradient shape ${JSON.stringify(headGrad.shape)} must equal the ` + `output shape ${JSON.stringify(y.shape)}`,
      );
    }
    head = headGrad;
  }
  withRecording(false, recordingState.training, () => {
    const grads = new Map<NDArray, NDArray>([[y, head]]);
    const leafUses = new Map<NDArray, number>();
    const order = y._node === null ? [] : topologicalOrder(y, leafUses);
    // A leaf read by exactly one op with gradReq 'write' gets its gradient written straight into
    // its .grad by rows that can (linear), instead of into a temporary that is then copied.
    const direct = (x: NDArray): NDArray | null =>
      x._node === null && x._gradReq === 'write' && x._grad !== null && leafUses.get(x) === 1 && x !== y ? x._grad : null;
    for (let k = order.length - 1; k >= 0; k--) {
      const v = order[k]!;
      const g = grads.get(v);
      const node = v._node!;
      if (!options?.retainGraph) v._node = null;
      if (g === undefined) continue;
      if (!options?.retainGraph) grads.delete(v);
      const row = OP_TABLE.get(node.op);
      if (!row) throw errors.grad('backward', `no gradient is defined for op '${node.op}'`);
      const want = node.inputs.map(tracksGrad);
      const inGrads = row.backward(g, node, want, node.inputs.map(direct));
      for (let i = 0; i < node.inputs.length; i++) {
        const x = node.inputs[i]!;
        let gi = inGrads[i];
        if (!gi || !tracksGrad(x)) continue;
        if (gi.dtype !== x.dtype) gi = castTo(gi, x.dtype, 'backward');
        const prev = grads.get(x);
        grads.set(x, prev ? binary('add', prev, gi) : gi);
      }
    }
    for (const [x, g] of grads) {
      if (x._node !== null || x._gradReq === 'null' || !x._grad) continue;
      if (g === x._grad) continue; // written in place by the op's backward
      if (x._gradReq === 'write') writeInto('backward', g, x._grad);
      else writeInto('backward', binary('add', x._grad, g), x._grad);
    }
  });
}
