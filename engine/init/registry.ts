// Initializers by name, so documents store them as data: 'xavier', 'zeros',
// ['normal', {sigma: 0.01}] or MXNet's JSON '["normal", {"sigma": 0.01}]'. Names are
// case-insensitive; snake_case argument names (rnd_type) are read as camelCase (rndType). The table
// itself is init-table.ts; this module registers the built-in names on it, so importing it (as
// everything outside engine/init does) gives a table that knows them.

import { np } from '../ndarray/np.ts';
import type { NDArray } from '../ndarray/ndarray.ts';
import { Constant, LSTMBias, Normal, One, Uniform, Zero } from './basic-initializers.ts';
import { MSRAPrelu, Xavier, type XavierOptions } from './fan-initializers.ts';
import { Bilinear, Orthogonal } from './matrix-initializers.ts';
import { Mixed } from './mixed.ts';
import { registerInitializer, type InitSpec } from './init-table.ts';

export { createInitializer, registerInitializer, registeredInitializers } from './init-table.ts';
export type { InitFactory, InitSpec } from './init-table.ts';

const num = (v: unknown, fallback: number): number => (v === undefined ? fallback : Number(v));
const constantValue = (v: unknown): number | NDArray => (v === undefined ? 0 : typeof v === 'number' ? v : np.array(v as number[]));

registerInitializer('zeros', () => new Zero(), ['zero']);
registerInitializer('ones', () => new One(), ['one']);
registerInitializer('constant', (a) => new Constant(constantValue(a.value)));
registerInitializer('uniform', (a) => new Uniform(num(a.scale, 0.07)));
registerInitializer('normal', (a) => new Normal(num(a.sigma, 0.01)));
registerInitializer('xavier', (a) => new Xavier(a as XavierOptions));
registerInitializer('msraprelu', (a) => new MSRAPrelu(a as { factorType?: 'avg' | 'in' | 'out'; slope?: number }));
registerInitializer('orthogonal', (a) => new Orthogonal(a as { scale?: number; randType?: 'uniform' | 'normal' }));
registerInitializer('bilinear', () => new Bilinear());
registerInitializer('lstmbias', (a) => new LSTMBias(num(a.forgetBias, 1)));
registerInitializer('mixed', (a) => new Mixed(a.patterns as string[], a.inits as InitSpec[]));
