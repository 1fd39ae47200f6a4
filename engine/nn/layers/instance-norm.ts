// InstanceNorm: each sample's each channel normalized over its spatial positions (style transfer,
// small batches), then gamma / beta per channel. Defaults follow PyTorch's affine InstanceNorm
// (Gluon's scale defaults to false; here both are on). ONNX InstanceNormalization.

import type { NDArray } from '../../ndarray/ndarray.ts';
import { instanceNorm } from '../../ops/normalization.ts';
import { affineInputs, ChannelNorm, channelNormSpec, torchAffine, type ChannelNormArgs } from './channel-norm.ts';
import type { Attrs, LayerSpec } from './layer-spec.ts';

export class InstanceNorm extends ChannelNorm {
  static readonly spec: LayerSpec = channelNormSpec({
    kind: 'InstanceNorm',
    doc: 'Normalizes each channel of each sample over its spatial positions, then a learned scale and shift per channel.',
    attrs: [],
    onnx: (e) => e.node('InstanceNormalization', [e.inputs[0]!, ...affineInputs(e, e.inputShapes[0]![1]!)], { epsilon: { float: e.attrs.epsilon as number } }),
    onnxImport: {
      ops: ['InstanceNormalization'],
      read: (n) => {
        const [gamma, beta] = [n.constant(1), n.constant(2)];
        return gamma && beta ? { attrs: { epsilon: n.attr('epsilon', 1e-5) }, params: { gamma, beta } } : { unsupported: 'scale and bias must be constants' };
      },
    },
    code: {
      pytorch: {
        module: (s) =>
          `nn.InstanceNorm${s.inputShapes[0]!.length === 3 ? '1d' : '2d'}(${s.inputShapes[0]![1]!}, eps=${String(s.attrs.epsilon)}, affine=${torchAffine(s.attrs)})`,
        forward: (s) => `${s.self}(${s.inputs[0]!})`,
        stateNames: { gamma: 'weight', beta: 'bias' },
      },
      gluon: {
        module: (s) =>
          `nn.InstanceNorm(epsilon=${String(s.attrs.epsilon)}, center=${s.attrs.center !== false ? 'True' : 'False'}, ` +
          `scale=${s.attrs.scale !== false ? 'True' : 'False'}, in_channels=${s.inputShapes[0]![1]!}, prefix='${s.prefix}')`,
        forward: (s) => `${s.self}(${s.inputs[0]!})`,
      },
      typescript: {
        child: (s) => ({
          type: 'InstanceNorm',
          make:
            `new InstanceNorm({ epsilon: ${String(s.attrs.epsilon)}, center: ${s.attrs.center !== false}, ` +
            `scale: ${s.attrs.scale !== false}, inChannels: ${s.inputShapes[0]![1]!}, prefix: '${s.prefix}' })`,
        }),
      },
    },
    create: (a, o) => new InstanceNorm({ ...(a as ChannelNormArgs), ...o }),
  });

  constructor(args: ChannelNormArgs = {}) {
    super('InstanceNorm', args);
  }

  protected override normalize(x: NDArray, gamma: NDArray | null, beta: NDArray | null): NDArray {
    return instanceNorm(x, gamma, beta, { eps: this.epsilon });
  }

  protected override attrs(): Attrs {
    return {};
  }
}
