// Every layer kind against PyTorch, forward and backward (test/engine/support/layer-oracle.ts):
// adding a kind adds its rows here. Cases cover the attribute combinations that change the math.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareWithTorch, type LayerCase } from '../support/layer-oracle.ts';

const CASES: LayerCase[] = [
  {
    name: 'Dense flatten',
    kind: 'Dense',
    attrs: { units: 5, activation: 'tanh' },
    inputs: [[3, 2, 4]],
    torch: "torch.tanh(F.linear(xs[0].flatten(1), p['weight'], p['bias']))",
  },
  { name: 'Dense last axis', kind: 'Dense', attrs: { units: 3, flatten: false, useBias: false }, inputs: [[2, 4, 6]], torch: "F.linear(xs[0], p['weight'])" },
  {
    name: 'Add two',
    kind: 'Add',
    inputs: [
      [2, 3, 4],
      [2, 3, 4],
    ],
    torch: 'xs[0] + xs[1]',
  },
  { name: 'Add three broadcasting', kind: 'Add', inputs: [[2, 3, 4], [1, 3, 1], [4]], torch: 'xs[0] + xs[1] + xs[2]' },
  {
    name: 'Multiply broadcasting',
    kind: 'Multiply',
    inputs: [
      [2, 3, 4, 4],
      [2, 3, 1, 1],
    ],
    torch: 'xs[0] * xs[1]',
  },
  // From 2^16 elements a broadcast operand runs oneDNN's binary primitive
  // (native/src/ops/binary_cpu.cc), the first operand the broadcast one included (add and mul commute).
  {
    name: 'Add three broadcasting, oneDNN sizes',
    kind: 'Add',
    inputs: [
      [16, 1, 1],
      [16, 16, 16, 16],
      [16, 1, 16, 16],
    ],
    torch: 'xs[0] + xs[1] + xs[2]',
  },
  {
    name: 'Multiply three broadcasting, oneDNN sizes',
    kind: 'Multiply',
    inputs: [
      [16, 16, 16, 16],
      [16, 16, 1, 1],
      [16, 16],
    ],
    torch: 'xs[0] * xs[1] * xs[2]',
  },
  { name: 'Reshape', kind: 'Reshape', attrs: { shape: [1, 4, -1] }, inputs: [[2, 12]], torch: 'xs[0].reshape(2, 1, 4, 3)' },
  { name: 'Transpose', kind: 'Transpose', attrs: { axes: [0, 2, 3, 1] }, inputs: [[2, 3, 4, 5]], torch: 'xs[0].permute(0, 2, 3, 1)' },
  { name: 'Softmax', kind: 'Softmax', attrs: { axis: 1 }, inputs: [[3, 5, 2]], torch: 'F.softmax(xs[0], dim=1)' },
  { name: 'LogSoftmax', kind: 'LogSoftmax', inputs: [[4, 7]], torch: 'F.log_softmax(xs[0], dim=-1)' },
  // Past 4096 elements along the last axis: oneDNN's softmax / logsoftmax (backward too on CPUs
  // where oneDNN 2.6 has a jit kernel for it: AVX-512).
  { name: 'Softmax, oneDNN sizes', kind: 'Softmax', attrs: { axis: -1 }, inputs: [[64, 80]], torch: 'F.softmax(xs[0], dim=-1)' },
  { name: 'LogSoftmax, oneDNN sizes', kind: 'LogSoftmax', inputs: [[48, 100]], torch: 'F.log_softmax(xs[0], dim=-1)' },
  { name: 'GlobalAvgPool2D', kind: 'GlobalAvgPool2D', inputs: [[2, 3, 5, 4]], torch: 'F.adaptive_avg_pool2d(xs[0], 1)' },
  { name: 'GlobalMaxPool2D', kind: 'GlobalMaxPool2D', inputs: [[2, 3, 5, 4]], torch: 'F.adaptive_max_pool2d(xs[0], 1)' },
  { name: 'GlobalAvgPool1D', kind: 'GlobalAvgPool1D', inputs: [[2, 3, 7]], torch: 'F.adaptive_avg_pool1d(xs[0], 1)' },
  { name: 'GlobalMaxPool1D', kind: 'GlobalMaxPool1D', inputs: [[2, 3, 7]], torch: 'F.adaptive_max_pool1d(xs[0], 1)' },
  // Convolutions: torch's functional forms with the attributes (a) the engine got.
  {
    name: 'Conv2D LeNet-style',
    kind: 'Conv2D',
    attrs: { channels: 6, kernelSize: [5, 5], padding: [2, 2], activation: 'sigmoid' },
    inputs: [[2, 1, 12, 12]],
    torch: "torch.sigmoid(F.conv2d(xs[0], p['weight'], p['bias'], padding=2))",
  },
  {
    name: 'Conv2D strided dilated no bias',
    kind: 'Conv2D',
    attrs: { channels: 4, kernelSize: [3, 2], strides: [2, 1], padding: [1, 0], dilation: [2, 1], useBias: false },
    inputs: [[2, 3, 9, 7]],
    torch: "F.conv2d(xs[0], p['weight'], None, stride=(2, 1), padding=(1, 0), dilation=(2, 1))",
  },
  {
    name: 'Conv2D grouped',
    kind: 'Conv2D',
    attrs: { channels: 6, kernelSize: [3], groups: 3, activation: 'relu' },
    inputs: [[2, 6, 6, 5]],
    torch: "F.relu(F.conv2d(xs[0], p['weight'], p['bias'], groups=3))",
  },
  {
    name: 'Conv2D depthwise',
    kind: 'Conv2D',
    attrs: { channels: 4, kernelSize: [3, 3], padding: [1, 1], groups: 4 },
    inputs: [[1, 4, 5, 5]],
    torch: "F.conv2d(xs[0], p['weight'], p['bias'], padding=1, groups=4)",
  },
  {
    name: 'Conv1D',
    kind: 'Conv1D',
    attrs: { channels: 5, kernelSize: [3], strides: [2], padding: [1], activation: 'tanh' },
    inputs: [[3, 2, 11]],
    torch: "torch.tanh(F.conv1d(xs[0], p['weight'], p['bias'], stride=2, padding=1))",
  },
  {
    name: 'Conv2DTranspose',
    kind: 'Conv2DTranspose',
    attrs: { channels: 3, kernelSize: [3, 3], strides: [2, 2], padding: [1, 1], outputPadding: [1, 1] },
    inputs: [[2, 4, 4, 5]],
    torch: "F.conv_transpose2d(xs[0], p['weight'], p['bias'], stride=2, padding=1, output_padding=1)",
  },
  {
    name: 'Conv2DTranspose grouped relu',
    kind: 'Conv2DTranspose',
    attrs: { channels: 4, kernelSize: [2, 2], strides: [2, 2], groups: 2, activation: 'relu' },
    inputs: [[1, 4, 3, 3]],
    torch: "F.relu(F.conv_transpose2d(xs[0], p['weight'], p['bias'], stride=2, groups=2))",
  },
  {
    name: 'Conv1DTranspose',
    kind: 'Conv1DTranspose',
    attrs: { channels: 2, kernelSize: [4], strides: [3], dilation: [2] },
    inputs: [[2, 3, 5]],
    torch: "F.conv_transpose1d(xs[0], p['weight'], p['bias'], stride=3, dilation=2)",
  },
  // Pooling (distinct inputs, so max has one winner per window).
  { name: 'MaxPool2D', kind: 'MaxPool2D', inputs: [[2, 3, 6, 6]], torch: 'F.max_pool2d(xs[0], 2)' },
  {
    name: 'MaxPool2D ceil padded strided',
    kind: 'MaxPool2D',
    attrs: { poolSize: [3, 3], strides: [2, 2], padding: [1, 1], ceilMode: true },
    inputs: [[1, 2, 8, 7]],
    torch: 'F.max_pool2d(xs[0], 3, stride=2, padding=1, ceil_mode=True)',
  },
  { name: 'AvgPool2D', kind: 'AvgPool2D', inputs: [[2, 3, 5, 6]], torch: 'F.avg_pool2d(xs[0], 2)' },
  {
    name: 'AvgPool2D padded, padding not counted',
    kind: 'AvgPool2D',
    attrs: { poolSize: [3, 3], strides: [1, 2], padding: [1, 1], countIncludePad: false },
    inputs: [[1, 2, 5, 6]],
    torch: 'F.avg_pool2d(xs[0], 3, stride=(1, 2), padding=1, count_include_pad=False)',
  },
  {
    name: 'AvgPool2D ceil',
    kind: 'AvgPool2D',
    attrs: { poolSize: [2, 2], ceilMode: true },
    inputs: [[1, 2, 5, 5]],
    torch: 'F.avg_pool2d(xs[0], 2, ceil_mode=True)',
  },
  { name: 'MaxPool1D', kind: 'MaxPool1D', attrs: { poolSize: [3], strides: [2] }, inputs: [[2, 3, 9]], torch: 'F.max_pool1d(xs[0], 3, stride=2)' },
  { name: 'AvgPool1D', kind: 'AvgPool1D', attrs: { poolSize: [2], padding: [1] }, inputs: [[2, 3, 7]], torch: 'F.avg_pool1d(xs[0], 2, padding=1)' },
  // Activations with their own kinds.
  { name: 'LeakyReLU', kind: 'LeakyReLU', attrs: { alpha: 0.2 }, inputs: [[3, 7]], torch: "F.leaky_relu(xs[0], a['alpha'])" },
  { name: 'ELU', kind: 'ELU', attrs: { alpha: 0.7 }, inputs: [[3, 7]], torch: "F.elu(xs[0], a['alpha'])" },
  { name: 'SELU', kind: 'SELU', inputs: [[3, 7]], torch: 'F.selu(xs[0])' },
  { name: 'GELU erf', kind: 'GELU', inputs: [[3, 7]], torch: 'F.gelu(xs[0])' },
  { name: 'GELU tanh', kind: 'GELU', attrs: { approximation: 'tanh' }, inputs: [[3, 7]], torch: "F.gelu(xs[0], approximate='tanh')" },
  { name: 'SiLU', kind: 'SiLU', inputs: [[3, 7]], torch: 'F.silu(xs[0])' },
  { name: 'Swish', kind: 'Swish', attrs: { beta: 1.5 }, inputs: [[3, 7]], torch: 'xs[0] * torch.sigmoid(1.5 * xs[0])' },
  { name: 'Softplus', kind: 'Softplus', inputs: [[3, 7]], range: [-3, 3], torch: 'F.softplus(xs[0])' },
  { name: 'HardSigmoid', kind: 'HardSigmoid', inputs: [[3, 7]], range: [-4, 4], torch: 'F.hardsigmoid(xs[0])' },
  { name: 'HardSwish', kind: 'HardSwish', inputs: [[3, 7]], range: [-4, 4], torch: 'F.hardswish(xs[0])' },
  { name: 'Clip (ReLU6)', kind: 'Clip', inputs: [[3, 7]], range: [-3, 9], torch: 'F.relu6(xs[0])' },
  { name: 'Clip (Hardtanh)', kind: 'Clip', attrs: { min: -0.5, max: 1.5 }, inputs: [[4, 5]], range: [-2, 3], torch: 'F.hardtanh(xs[0], -0.5, 1.5)' },
  { name: 'PReLU shared', kind: 'PReLU', inputs: [[3, 4, 5]], torch: "F.prelu(xs[0], p['alpha'])" },
  { name: 'PReLU per channel', kind: 'PReLU', attrs: { inChannels: 4 }, inputs: [[2, 4, 3, 3]], torch: "F.prelu(xs[0], p['alpha'])" },
  // Normalization: training updates the running statistics (compared after the step), prediction reads them.
  {
    name: 'BatchNorm training (N, C, H, W)',
    kind: 'BatchNorm',
    attrs: { momentum: 0.8 },
    inputs: [[4, 3, 5, 5]],
    training: true,
    torch: "F.batch_norm(xs[0], p['running_mean'], p['running_var'], p['gamma'], p['beta'], training=True, momentum=1 - a['momentum'], eps=a['epsilon'])",
  },
  {
    name: 'BatchNorm training (N, C), no scale',
    kind: 'BatchNorm',
    attrs: { scale: false },
    inputs: [[6, 5]],
    training: true,
    torch: "F.batch_norm(xs[0], p['running_mean'], p['running_var'], None, p['beta'], training=True, momentum=0.1, eps=1e-5)",
  },
  {
    name: 'BatchNorm prediction (N, C, W)',
    kind: 'BatchNorm',
    inputs: [[3, 4, 6]],
    torch: "F.batch_norm(xs[0], p['running_mean'], p['running_var'], p['gamma'], p['beta'], training=False, eps=1e-5)",
  },
  {
    name: 'BatchNorm on the last axis',
    kind: 'BatchNorm',
    attrs: { axis: -1 },
    inputs: [[4, 5, 3]],
    training: true,
    torch: "F.batch_norm(xs[0].permute(0, 2, 1), p['running_mean'], p['running_var'], p['gamma'], p['beta'], training=True, momentum=0.1).permute(0, 2, 1)",
  },
  { name: 'InstanceNorm', kind: 'InstanceNorm', inputs: [[2, 3, 4, 5]], torch: "F.instance_norm(xs[0], weight=p['gamma'], bias=p['beta'], eps=1e-5)" },
  { name: 'GroupNorm', kind: 'GroupNorm', attrs: { groups: 2 }, inputs: [[2, 4, 3, 3]], torch: "F.group_norm(xs[0], 2, p['gamma'], p['beta'], eps=1e-5)" },
  {
    name: 'GroupNorm without affine',
    kind: 'GroupNorm',
    attrs: { groups: 3, center: false, scale: false },
    inputs: [[2, 6, 5]],
    torch: 'F.group_norm(xs[0], 3)',
  },
  // Padding: PyTorch lists (before, after) from the last axis.
  { name: 'Pad zeros', kind: 'Pad', attrs: { padding: [1, 2] }, inputs: [[2, 3, 4, 5]], torch: 'F.pad(xs[0], (2, 2, 1, 1))' },
  {
    name: 'Pad reflect asymmetric',
    kind: 'Pad',
    attrs: { padding: [1, 0, 2, 3], mode: 'reflect' },
    inputs: [[1, 2, 4, 5]],
    torch: "F.pad(xs[0], (2, 3, 1, 0), mode='reflect')",
  },
  { name: 'Pad replicate 1-d', kind: 'Pad', attrs: { padding: [2], mode: 'replicate' }, inputs: [[2, 3, 4]], torch: "F.pad(xs[0], (2, 2), mode='replicate')" },
  { name: 'Pad constant value', kind: 'Pad', attrs: { padding: [1, 1], value: 0.5 }, inputs: [[1, 1, 2, 2]], torch: 'F.pad(xs[0], (1, 1, 1, 1), value=0.5)' },
];

test('every layer kind equals PyTorch forward and backward (max relative error 1e-4)', () => {
  assert.deepEqual(compareWithTorch(CASES), []);
});
