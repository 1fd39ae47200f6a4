// The chapter's custom layers as code blocks (5.1.3 FancyMLP, 5.4 CenteredLayer and MyDense): the
// examples shipped with Blocksmith, so they run without a trust prompt, and what documents naming
// the former built-in kinds are upgraded to (engine/graph/upgrade-kinds.ts).

/** 5.4.1: no parameters, x minus the mean of all its elements. */
export const CENTERED_LAYER_SOURCE = `// CenteredLayer: subtracts the mean of all elements (5.4.1).
export function forward(self: Self, x: NDArray): NDArray {
  return x.sub(x.mean());
}
`;

/** 5.4.2: relu(x·W + b) with W of shape (inUnits, units), declared with the chapter's fixed shapes. */
export function myDenseSource(units: number, inUnits: number): string {
  return `// MyDense: relu(x . weight + bias), weight (inUnits, units) (5.4.2).
const units = ${units};
const inUnits = ${inUnits};

export const params = {
  weight: { shape: [inUnits, units] },
  bias: { shape: [units] },
};

export function forward(self: Self, x: NDArray): NDArray {
  const linear = np.dot(x, self.weight.data()).add(self.bias.data());
  return npx.relu(linear);
}
`;
}

/**
 * 5.1.3: a constant weight drawn when the block is made, one dense layer used twice (its weight
 * is (20, in) and it also reads its own 20-wide output, so in = 20) and control flow on the data.
 */
export const FANCY_MLP_SOURCE = `// FancyMLP: a constant weight, a dense layer used twice, control flow on the data (5.1.3).
export const params = {
  // get_constant: drawn once when the block is made, never trained.
  rand_weight: { shape: [20, 20], value: () => np.random.uniform(0, 1, [20, 20]) },
  weight: { shape: (x: number[]) => [20, x[x.length - 1]] },
  bias: { shape: [20], init: 'zeros' },
};

export function forward(self: Self, x: NDArray): NDArray {
  const dense = (h: NDArray): NDArray => npx.relu(np.dot(h, self.weight.data().T).add(self.bias.data()));
  x = dense(x);
  x = npx.relu(np.dot(x, self.rand_weight.data()).add(1));
  // The same layer again: its parameters are used twice, so their gradients add up.
  x = dense(x);
  // item() brings a value to the host for the control flow, as the chapter's asscalar does.
  while (Number(x.abs().sum().item()) > 1) x = x.div(2);
  if (Number(x.abs().sum().item()) < 0.8) x = x.mul(10);
  return x.sum();
}
`;

/** MyDense as the chapter's examples use it (8 from 64, 1 from 8). */
export const CODE_EXAMPLES: readonly string[] = [CENTERED_LAYER_SOURCE, FANCY_MLP_SOURCE, myDenseSource(8, 64), myDenseSource(1, 8)];
