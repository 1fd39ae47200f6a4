// The `init` namespace, shaped like mxnet.init: init.Normal({...}), init.Xavier(), init.create(...).

import { Initializer } from './initializer.ts';
import { Constant, LSTMBias, Normal, One, Uniform, Zero } from './basic-initializers.ts';
import { MSRAPrelu, Xavier } from './fan-initializers.ts';
import { Bilinear, Orthogonal } from './matrix-initializers.ts';
import { Mixed } from './mixed.ts';
import { createInitializer, registerInitializer, registeredInitializers } from './registry.ts';

export const init = {
  Initializer,
  Uniform,
  Normal,
  Constant,
  Zero,
  One,
  Xavier,
  MSRAPrelu,
  Orthogonal,
  Bilinear,
  LSTMBias,
  Mixed,
  create: createInitializer,
  register: registerInitializer,
  registered: registeredInitializers,
};

export { Initializer, Uniform, Normal, Constant, Zero, One, Xavier, MSRAPrelu, Orthogonal, Bilinear, LSTMBias, Mixed };
export { createInitializer, registerInitializer, registeredInitializers };
export type { InitSpec, InitFactory } from './registry.ts';
export type { InitDesc } from './initializer.ts';
export type { XavierOptions, RndType, FactorType } from './fan-initializers.ts';
