// The engine API a code block may call, as names: the sandbox's allowlist (engine/sandbox/engine-api.ts
// builds its tables from these) and the editor's completion (renderer/code) read the same lists,
// so what the editor offers is what the sandbox serves. Pure data: the renderer may import it.

export const CODE_NP = ['array', 'zeros', 'ones', 'full', 'arange', 'eye', 'zerosLike', 'onesLike', 'fullLike', 'add', 'subtract', 'multiply', 'divide',
  'power', 'maximum', 'minimum', 'equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual', 'negative', 'abs', 'exp', 'log', 'sqrt',
  'square', 'sign', 'tanh', 'sum', 'mean', 'max', 'min', 'prod', 'argmax', 'argmin', 'dot', 'matmul', 'concatenate', 'concat', 'stack',
  'split', 'reshape', 'transpose', 'broadcastTo', 'expandDims', 'squeeze', 'flatten'] as const;
export const CODE_NP_RANDOM = ['uniform', 'normal'] as const;
export const CODE_NPX = ['relu', 'sigmoid', 'tanh', 'gelu', 'softrelu', 'softmax', 'logSoftmax', 'leakyRelu', 'elu', 'selu', 'silu', 'swish', 'softplus',
  'hardSigmoid', 'hardSwish', 'prelu', 'layerNorm', 'fullyConnected', 'linear', 'pad'] as const;
/** NDArray methods; `shape`, `ndim` and `size` are properties. */
export const CODE_METHODS = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'neg', 'abs', 'exp', 'log',
  'sqrt', 'square', 'sign', 'relu', 'sigmoid', 'tanh', 'sum', 'mean', 'max', 'min', 'prod', 'argmax', 'argmin', 'dot', 'reshape',
  'expandDims', 'squeeze', 'flatten', 'transpose', 'broadcastTo', 'get', 'slice', 'astype', 'item', 'copy'] as const;
export const CODE_ARRAY_PROPERTIES = ['shape', 'ndim', 'size'] as const;
/** The fields of a parameter declaration in `export const params = { name: { ... } }`. */
export const CODE_PARAM_FIELDS = ['shape', 'init', 'constant', 'gradReq', 'value'] as const;
