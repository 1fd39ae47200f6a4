// Optimizers by name, so documents, the service and the CLI can choose them with strings.
import { Optimizer, type OptimizerOptions } from './optimizer.ts';
import { SGD, type SGDOptions } from './sgd.ts';
import { Adam, type AdamOptions } from './adam.ts';
import { AdamW } from './adamw.ts';
import { trainingErrors } from '../train-errors.ts';

export { Optimizer, SGD, Adam, AdamW };
export type { OptimizerOptions, SGDOptions, AdamOptions };
export type { ParamState } from './optimizer.ts';

export type OptimizerName = 'sgd' | 'adam' | 'adamw';

/** @example createOptimizer('sgd', { learningRate: 0.1, momentum: 0.9 }) */
export function createOptimizer(name: OptimizerName, options: SGDOptions & AdamOptions = {}): Optimizer {
  switch (name) {
    case 'sgd':
      return new SGD(options);
    case 'adam':
      return new Adam(options);
    case 'adamw':
      return new AdamW(options);
    default:
      throw trainingErrors.unknownOptimizer(name);
  }
}
