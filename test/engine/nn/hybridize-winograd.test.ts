// The compiled plan's Winograd F(2×2, 3×3) convolutions (native/src/net_plan_winograd.cc): 3×3
// stride-1 padding-1 convolutions with 8 to 96 input channels (up to 64 the products run in
// registers, above on oneDNN's matmul), on odd and even image sizes, with and without bias, with a
// folded batch norm, a residual sum and relu, at batch 1 and 3, match the eager forward, and the
// plan ran them as Winograd steps (the addon's winogradRuns counter): BLOCKSMITH_WINOGRAD=1 takes
// it wherever the shape fits, unset only from 16 channels up and for batches with enough tiles
// (net_plan_winograd.cc winogradPays), =0 never.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Activation, Add, BatchNorm, Conv2D, np, Sequential, type Block } from '../../../engine/index.ts';
import { GraphBlock } from '../../../engine/graph/graph-block.ts';
import { loadNativeAddon } from '../../../engine/backend/native-loader.ts';
import { checkClose, onePlan, step } from '../support/hybrid-check.ts';

const addon = loadNativeAddon();
const winogradRuns = (): number => addon.capabilities().winogradRuns ?? -1;
const saved = process.env.BLOCKSMITH_WINOGRAD;

/** The setting the next plan build reads (undefined: the default rule). */
function setWinograd(value: string | undefined): void {
  if (value === undefined) delete process.env.BLOCKSMITH_WINOGRAD;
  else process.env.BLOCKSMITH_WINOGRAD = value;
}

after(() => setWinograd(saved));

/** conv 3×3 (no bias) → batch norm → + x → relu, on `channels` channels. */
function residual(channels: number): GraphBlock {
  return new GraphBlock(
    [
      step('conv', new Conv2D(channels, 3, { padding: 1, useBias: false }), [{ input: 0 }]),
      step('bn', new BatchNorm(), [{ step: 0, port: 0 }]),
      step('add', new Add(), [{ step: 1, port: 0 }, { input: 0 }]),
      step('act', new Activation('relu'), [{ step: 2, port: 0 }]),
    ],
    1,
    [{ step: 3, port: 0 }],
  );
}

type Variant = 'bias' | 'relu, no bias' | 'residual';

/** The net of a case and how many 3×3 convolutions it runs. */
function makeNet(cin: number, cout: number, variant: Variant): [Block, number] {
  const net = new Sequential();
  if (variant === 'bias') net.add(new Conv2D(cout, 3, { padding: 1, inChannels: cin }));
  if (variant === 'relu, no bias') net.add(new Conv2D(cout, 3, { padding: 1, inChannels: cin, useBias: false, activation: 'relu' }));
  if (variant === 'residual') net.add(new Conv2D(cout, 3, { padding: 1, inChannels: cin, activation: 'relu' }), residual(cout));
  return [net, variant === 'residual' ? 2 : 1];
}

/** Batch norms away from their defaults, so that folding them is tested too. */
function randomizeBatchNorms(net: Block, seed: number): void {
  let s = seed;
  for (const p of net.collectParams().values()) {
    if (!/(running_mean|running_var|gamma|beta)$/.test(p.name)) continue;
    const lo = /(running_var|gamma)$/.test(p.name) ? 0.5 : -0.5;
    p.setData(np.random.uniform(lo, lo + 1, [p.shape![0]!], { seed: s++ }));
  }
}

/** Checks the case against eager; returns how many Winograd steps one replayed forward ran. */
function runCase(cin: number, cout: number, variant: Variant, [h, w]: number[], batch: number): number {
  const [net] = makeNet(cin, cout, variant);
  net.initialize();
  net.call(np.zeros([1, cin, h!, w!])); // deferred initialization (the residual's batch norm)
  randomizeBatchNorms(net, 11 * cin + h!);
  const x = np.random.uniform(-1, 1, [batch, cin, h!, w!], { seed: batch * 100 + w! });
  checkClose(net, x);
  onePlan(net);
  const before = winogradRuns();
  net.call(x).dispose();
  return winogradRuns() - before;
}

describe('hybridize: Winograd F(2×2, 3×3) convolutions', () => {
  const sizes = [
    [5, 5],
    [8, 8],
    [7, 9],
  ];
  for (const [cin, cout] of [
    [8, 8],
    [16, 32],
    [64, 64],
    [96, 128],
  ] as const) {
    for (const variant of ['bias', 'relu, no bias', 'residual'] as const) {
      test(`${cin} → ${cout} channels, ${variant}: ≈ eager at 5×5, 8×8, 7×9, batch 1 and 3, run as Winograd`, () => {
        setWinograd('1');
        try {
          for (const size of sizes)
            for (const batch of [1, 3]) {
              const ran = runCase(cin, cout, variant, size, batch);
              assert.equal(ran, makeNet(cin, cout, variant)[1], `${size.join('×')} batch ${batch}: Winograd steps run`);
            }
        } finally {
          setWinograd(saved);
        }
      });
    }
  }

  test('the default rule: 64 channels on 16×16 at batch 2 run as Winograd, 8 channels and BLOCKSMITH_WINOGRAD=0 keep the direct convolution', () => {
    try {
      setWinograd(undefined);
      assert.equal(runCase(64, 64, 'residual', [16, 16], 2), 2);
      assert.equal(runCase(8, 8, 'bias', [8, 8], 2), 0);
      setWinograd('0');
      assert.equal(runCase(64, 64, 'residual', [16, 16], 2), 0);
    } finally {
      setWinograd(saved);
    }
  });
});
