// GroupNorm: the channels split into groups; each sample's each group normalized over its channels
// and spatial positions, then gamma / beta per channel (PyTorch's GroupNorm, Gluon's num_groups).
// ONNX opset 17 has no GroupNormalization: InstanceNormalization on the (N, groups, −1) view, then
// the per-channel affine.

import type { NDArray } from '../../ndarray/ndarray.ts';
import { groupNorm } from '../../ops/normalization.ts';
import { affineInputs, ChannelNorm, channelNormSpec, torchAffine, type ChannelNormArgs } from './channel-norm.ts';
import type { Attrs, LayerSpec } from './layer-spec.ts';

export interface GroupNormArgs extends ChannelNormArgs {
  groups?: number;
}

export class GroupNorm extends ChannelNorm {
  static readonly spec: LayerSpec = channelNormSpec({
    kind: 'GroupNorm',
    doc: 'Normalizes each group of channels of each sample over its channels and positions, then a learned scale and shift per channel.',
    attrs: [{ name: 'groups', type: 'int', min: 1, default: 1, doc: 'channel groups (1: layer norm over C, H, W; C: instance norm)' }],
    onnx: (e) => {
      const x = e.inputs[0]!;
      const shape = e.inputShapes[0]!;
      const [c, g] = [shape[1]!, e.attrs.groups as number];
      const grouped = e.node('Reshape', [x, e.ints([0, g, -1])]);
      const normed = e.node('InstanceNormalization', [grouped, e.constant(new Array<number>(g).fill(1), [g]), e.constant(new Array<number>(g).fill(0), [g])], {
        epsilon: { float: e.attrs.epsilon as number },
      });
      const back = e.node('Reshape', [normed, e.node('Shape', [x])]);
      const [gamma, beta] = affineInputs(e, c);
      const perChannel = e.ints([c, ...new Array<number>(shape.length - 2).fill(1)]);
      return e.node('Add', [e.node('Mul', [back, e.node('Reshape', [gamma, perChannel])]), e.node('Reshape', [beta, perChannel])]);
    },
    code: {
      pytorch: {
        module: (s) => `nn.GroupNorm(${String(s.attrs.groups)}, ${s.inputShapes[0]![1]!}, eps=${String(s.attrs.epsilon)}, affine=${torchAffine(s.attrs)})`,
        forward: (s) => `${s.self}(${s.inputs[0]!})`,
        stateNames: { gamma: 'weight', beta: 'bias' },
      },
      gluon: {
        module: (s) =>
          `nn.GroupNorm(num_groups=${String(s.attrs.groups)}, epsilon=${String(s.attrs.epsilon)}, center=${s.attrs.center !== false ? 'True' : 'False'}, ` +
          `scale=${s.attrs.scale !== false ? 'True' : 'False'}, in_channels=${s.inputShapes[0]![1]!}, prefix='${s.prefix}')`,
        forward: (s) => `${s.self}(${s.inputs[0]!})`,
      },
      typescript: {
        child: (s) => ({
          type: 'GroupNorm',
          make:
            `new GroupNorm({ groups: ${String(s.attrs.groups)}, epsilon: ${String(s.attrs.epsilon)}, ` +
            `center: ${s.attrs.center !== false}, scale: ${s.attrs.scale !== false}, inChannels: ${s.inputShapes[0]![1]!}, prefix: '${s.prefix}' })`,
        }),
      },
    },
    create: (a, o) => new GroupNorm({ ...(a as GroupNormArgs), ...o }),
  });

  readonly groups: number;

  constructor(args: GroupNormArgs = {}) {
    super('GroupNorm', args);
    this.groups = args.groups ?? 1;
  }

  protected override normalize(x: NDArray, gamma: NDArray | null, beta: NDArray | null): NDArray {
    return groupNorm(x, gamma, beta, { groups: this.groups, eps: this.epsilon });
  }

  protected override attrs(): Attrs {
    return { groups: this.groups };
  }
}
