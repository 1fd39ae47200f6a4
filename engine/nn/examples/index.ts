// The chapter's blocks, shipped as examples of the model layer's API.

export { MLP } from './mlp.ts';
export { MySequential } from './my-sequential.ts';
export { FancyMLP } from './fancy-mlp.ts';
export { NestMLP } from './nest-mlp.ts';
export { CenteredLayer, MyDense } from './custom-layers.ts';
export { block1, block2, rgnet, chimera, tiedNet, parallel, replicate } from './factories.ts';
