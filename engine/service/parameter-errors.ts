// The coded errors of the parameter methods (parameterValues, setParameter, loadParameters): each
// factory gives the code and the text a person reads — the parameter, the value seen, what was
// expected — so the logic that raises them holds no message text (as service-errors.ts).
import { ServiceError } from '../protocol/service-protocol.ts';

const dims = (shape: readonly number[]): string => `(${shape.join(', ')})`;

export const parameterErrors = {
  sliceRank: (name: string, ranges: number, rank: number) => new ServiceError('E_BAD_REQUEST', `params.slice: ${ranges} ranges for '${name}' of rank ${rank}`),
  indexRank: (name: string, shape: readonly number[], index: readonly number[]) =>
    new ServiceError(
      'E_INDEX',
      `params.index: [${index.join(', ')}] has ${index.length} indices but '${name}' has rank ${shape.length} ` + `(shape ${dims(shape)})`,
      { name, index: [...index] },
    ),
  indexRange: (name: string, shape: readonly number[], index: readonly number[], axis: number) =>
    new ServiceError(
      'E_INDEX',
      `params.index.${axis}: index ${index[axis]} is out of range for axis ${axis} of '${name}' with shape ` +
        `${dims(shape)}; [${index.join(', ')}] names no element`,
      { name, index: [...index] },
    ),
  shapeUnknown: (name: string) => new ServiceError('E_BAD_REQUEST', `params.value: '${name}' has no known shape yet; run forward first or give data`),
  valueShape: (name: string, shape: readonly number[], given: readonly number[]) =>
    new ServiceError('E_BAD_REQUEST', `params.value.shape: '${name}' has shape ${dims(shape)}, got ${dims(given)}`),
  notInitialized: (name: string, state: string) => new ServiceError('E_BAD_REQUEST', `params.index: '${name}' is ${state}; run forward first so it has values`),
  subShape: (name: string, index: readonly number[], rest: readonly number[], given: readonly number[]) =>
    new ServiceError('E_BAD_REQUEST', `params.value.shape: '${name}'[${index.join(', ')}] has shape ${dims(rest)}, ` + `got ${dims(given)}`),
  needsIntegers: (name: string, dtype: string) => new ServiceError('E_BAD_REQUEST', `params.value: '${name}' is ${dtype} and needs integer values`),
  unnamedArrays: (path: string) => new ServiceError('E_LOAD_FORMAT', `${path} holds unnamed arrays, not named parameters`),
};
