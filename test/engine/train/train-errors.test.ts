// The training layer's argument errors are coded and name their place (engine/train/train-errors.ts):
// an unknown optimizer, a schedule setting out of range, a metric fed mismatched counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { np } from '../../../engine/index.ts';
import { EngineError } from '../../../engine/core/errors.ts';
import { Accuracy, CosineScheduler, FactorScheduler, MultiFactorScheduler, createOptimizer } from '../../../engine/train/index.ts';
import type { OptimizerName } from '../../../engine/train/index.ts';

function throwsCoded(fn: () => unknown, code: string, op: string, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof EngineError, `expected an EngineError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.equal(e.op, op);
    assert.equal(e.message, `${op}: ${message}`);
    return true;
  });
}

test('an unknown optimizer names createOptimizer and the names it takes', () => {
  throwsCoded(() => createOptimizer('rmsprop' as OptimizerName), 'E_ARGS', 'createOptimizer', 'unknown optimizer "rmsprop"; use sgd, adam or adamw');
});

test('a schedule setting out of range names its scheduler, the rule and the value', () => {
  throwsCoded(() => new FactorScheduler({ step: 0, factor: 0.5, baseLr: 0.1 }), 'E_ARGS', 'FactorScheduler', 'step must be an integer ≥ 1, got 0');
  throwsCoded(() => new FactorScheduler({ step: 10, factor: 1.5, baseLr: 0.1 }), 'E_ARGS', 'FactorScheduler', 'factor must be in (0, 1], got 1.5');
  throwsCoded(
    () => new MultiFactorScheduler({ steps: [5, 3], factor: 0.5, baseLr: 0.1 }),
    'E_ARGS',
    'MultiFactorScheduler',
    'steps must be increasing integers ≥ 1',
  );
  throwsCoded(
    () => new CosineScheduler({ maxUpdate: 10, baseLr: 0.1, warmupSteps: 10 }),
    'E_ARGS',
    'CosineScheduler',
    'warmupSteps must be an integer in [0, maxUpdate), got 10',
  );
});

test('Accuracy fed more labels than predictions says both counts', () => {
  const labels = np.array([0, 1, 2]);
  const preds = np.array([0, 1]);
  throwsCoded(() => new Accuracy().update(labels, preds), 'E_SHAPE', 'Accuracy', '3 labels for 2 predictions');
  labels.dispose();
  preds.dispose();
});
