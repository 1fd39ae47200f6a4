// Interleaved A/B of the compiled plan's Winograd convolutions (native/src/net_plan_winograd.cc):
// per 3×3 layer shape of the ResNet example (three stacked conv + relu at batch 16), and the whole
// ResNet example, one model built with BLOCKSMITH_WINOGRAD=0 (direct) and one with Winograd (=1 for
// the layer shapes, the default rule for ResNet), timed alternately in one process; prints the
// median wall time and the CPU time per call. BLOCKSMITH_THREADS=1 for the single-threaded figures.
//
//   node --import tsx test/bench/winograd-ab.ts [rounds]
import { Conv2D, np, Sequential, type Block, type NDArray } from '../../engine/index.ts';
import { loadExample } from '../../engine/graph/index.ts';
import { prepareModel } from '../../engine/export/prepare-model.ts';

const rounds = Number(process.argv[2] ?? 15);

function build(setting: string, make: () => Block, x: NDArray): Block {
  process.env.BLOCKSMITH_WINOGRAD = setting; // read when the plan is built: at the first call
  const net = make();
  net.hybridize();
  net.call(x).dispose();
  delete process.env.BLOCKSMITH_WINOGRAD;
  return net;
}

function time(net: Block, x: NDArray, calls: number): [number, number] {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) net.call(x).dispose();
  const wall = (performance.now() - t0) / calls;
  const c = process.cpuUsage(c0);
  return [wall, (c.user + c.system) / 1000 / calls];
}

const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

function ab(name: string, make: () => Block, x: NDArray, on: string, calls: number): void {
  const a = build('0', make, x);
  const b = build(on, make, x);
  const wa: number[] = [],
    wb: number[] = [],
    ca: number[] = [],
    cb: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const [w1, c1] = time(a, x, calls);
    const [w2, c2] = time(b, x, calls);
    wa.push(w1);
    ca.push(c1);
    wb.push(w2);
    cb.push(c2);
  }
  const f = (v: number): string => v.toFixed(3);
  console.log(
    `${name}: direct ${f(median(wa))} ms (cpu ${f(median(ca))}), winograd ${f(median(wb))} ms (cpu ${f(median(cb))}); ` +
      `ratio wall ${(median(wb) / median(wa)).toFixed(2)}, cpu ${(median(cb) / median(ca)).toFixed(2)}`,
  );
}

const only = process.env.AB_ONLY ?? 'layers,resnet';
const layerBatch = Number(process.env.AB_BATCH ?? 16);
if (only.includes('layers'))
  for (const [c, s] of [
    [16, 32],
    [32, 16],
    [64, 8],
    [128, 4],
  ] as const) {
    const x = np.random.uniform(-1, 1, [layerBatch, c, s, s], { seed: 1 });
    const make = (): Block => {
      const net = new Sequential();
      for (let i = 0; i < 3; i++) net.add(new Conv2D(c, 3, { padding: 1, inChannels: c, activation: 'relu' }));
      net.initialize();
      return net;
    };
    ab(`conv ${c}→${c} ${s}×${s} ×3, batch ${layerBatch}`, make, x, '1', layerBatch === 1 ? 40 : 5);
  }
if (only.includes('resnet'))
  for (const batch of [1, 16]) {
    const doc = loadExample('resnet');
    const x = np.random.uniform(-1, 1, [batch, ...doc.input.shape.slice(1)], { seed: 2 });
    const models: Block[] = [];
    for (let i = 0; i < 2; i++) models.push((await prepareModel(doc)).net);
    let k = 0;
    ab(`ResNet example, batch ${batch}`, () => models[k++]!, x, '', batch === 1 ? 40 : 5);
  }
