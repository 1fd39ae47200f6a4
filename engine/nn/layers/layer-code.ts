// Spellings the kinds' code writers share: the activations as PyTorch and Gluon 1.x expressions
// (a Dense, a Conv2D and an Activation layer all apply them), so each function is written once.

/** An activation applied to a Python expression. */
export type PythonActivation = (x: string) => string;

export const TORCH_ACTIVATION: Readonly<Record<string, PythonActivation>> = {
  relu: (x) => `F.relu(${x})`,
  sigmoid: (x) => `torch.sigmoid(${x})`,
  tanh: (x) => `torch.tanh(${x})`,
  softrelu: (x) => `F.softplus(${x})`, // MXNet's softrelu is log(1 + exp(x))
  gelu: (x) => `F.gelu(${x})`, // erf-based, as the engine's
};

/** Functional forms (nd) of the activations; gelu and softrelu are not nd functions of their own in 1.x. */
export const GLUON_ACTIVATION: Readonly<Record<string, PythonActivation>> = {
  relu: (x) => `nd.relu(${x})`,
  sigmoid: (x) => `nd.sigmoid(${x})`,
  tanh: (x) => `nd.tanh(${x})`,
  softrelu: (x) => `nd.Activation(${x}, act_type='softrelu')`,
  gelu: (x) => `nd.LeakyReLU(${x}, act_type='gelu')`, // erf-based, as the engine's
};

/** `x` with the activation applied, or `x` itself for none (null). */
export function pyActivate(table: Readonly<Record<string, PythonActivation>>, activation: unknown, x: string): string {
  if (!activation) return x;
  const f = table[activation as string];
  if (!f) throw new Error(`no Python spelling of the activation '${String(activation)}'`);
  return f(x);
}
