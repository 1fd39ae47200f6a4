// A/B harness for the compiled Dense plan (issue 14): the anchor MLP cases, timed interleaved in
// one process — eager, the hybridized plan in each variant named by --variants, and
// onnxruntime-node on the same weights. A variant is the value of BLOCKSMITH_LINEAR_PLAN while the
// plan is built (native/src/ops/linear_plan.cc reads it then): `plain` is the plan without packed
// weights (the eager runners), `spread` one-row chains on the pool even while a core is busy, any
// other name the default plan; a native experiment adds its own names there. On a machine shared with other work only the ratios of interleaved calls mean
// something, so it prints those, medians and best times, with the load of the run.
//
//   node --import tsx test/bench/plan-ab.ts [--variants=plain,packed] [--cases=mlp1024-64,...]
//        [--seconds=2] [--busy] [--ort-spin]
//
// Cases (model-batch): mlp1024 (784-1024-1024-10), mlp256 (20-256-10), deep (512 + 20×512 + 10),
// e.g. deep-1; default: the four issue 14 names as missing their goals. --busy keeps one core busy
// with a spinning process meanwhile.

import { spawn } from 'node:child_process';
import os from 'node:os';
import * as ort from 'onnxruntime-node';
import { binding as ortBinding, initOrt } from 'onnxruntime-node/dist/binding.js';
import { np, type NDArray } from '../../engine/index.ts';
import { exportGraph } from '../../engine/export/export-graph.ts';
import { exportOnnx } from '../../engine/export/onnx/onnx-export.ts';
import { prepareModel } from '../../engine/export/prepare-model.ts';
import { chainDocument, type ChainLayer } from '../engine/support/chain-document.ts';
import { watchLoad } from './load.ts';
import { sampleInterleaved, summarize, type Variant } from './timing.ts';
import { ortSessionOptions } from './ort-options.ts';

const MODELS: Record<string, { inUnits: number; units: number[] }> = {
  mlp1024: { inUnits: 784, units: [1024, 1024, 10] },
  mlp256: { inUnits: 20, units: [256, 10] },
  deep: { inUnits: 512, units: [...Array.from({ length: 20 }, () => 512), 10] },
};

function arg(name: string, fallback: string): string {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? hit.slice(name.length + 3) : fallback;
}

function maxRelError(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / (scale || 1);
}

const fmt = (s: number): string => (s >= 1e-3 ? `${(s * 1e3).toFixed(2)} ms` : `${(s * 1e6).toFixed(1)} µs`);

async function main(): Promise<void> {
  const variants = arg('variants', 'plain,packed').split(',');
  const cases = arg('cases', 'mlp1024-1,mlp1024-64,mlp256-1024,deep-1').split(',');
  const seconds = Number(arg('seconds', '2'));
  const threads = os.availableParallelism();
  initOrt();
  const busy = process.argv.includes('--busy') ? spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }) : null;
  process.once('exit', () => busy?.kill('SIGKILL'));
  console.log(`variants ${variants.join(', ')}; ort intra-op threads ${threads}; ${busy ? 'one core busy' : 'no busy process'}`);
  for (const name of cases) {
    const [modelName, batchText] = name.split('-');
    const m = MODELS[modelName!];
    if (!m) throw new Error(`plan-ab: unknown case ${name}`);
    const batch = Number(batchText);
    const layers: ChainLayer[] = m.units.map((u, i) => ({
      kind: 'Dense',
      name: `dense${i}`,
      attrs: { units: u, ...(i + 1 < m.units.length ? { activation: 'relu' } : {}) },
    }));
    const doc = chainDocument(layers, [-1, m.inUnits], { seed: 5 });
    const eager = await prepareModel(doc);
    const session = new ortBinding.InferenceSession();
    const bytes = exportOnnx(exportGraph(eager));
    session.loadModel(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength, ortSessionOptions(threads, process.argv.includes('--ort-spin')));
    const x = np.random.uniform(-1, 1, [batch, m.inUnits], { seed: 11 });
    const feeds = { data: new ort.Tensor('float32', x.toTyped() as Float32Array, [batch, m.inUnits]) };
    const runOrt = (): unknown => session.run(feeds, { output: null }, {});
    const yOrt = (runOrt() as Record<string, { data: Float32Array }>).output!.data;
    const vs: Variant[] = [{ name: 'eager', call: () => eager.net.call(x), cleanup: (r) => (r as NDArray).dispose() }];
    for (const v of variants) {
      const model = await prepareModel(doc);
      model.net.hybridize();
      process.env.BLOCKSMITH_LINEAR_PLAN = v;
      const y = model.net.call(x); // traces the plan in this variant
      delete process.env.BLOCKSMITH_LINEAR_PLAN;
      const err = maxRelError(y.toTyped() as Float32Array, yOrt);
      y.dispose();
      if (!(err <= 1e-4)) throw new Error(`plan-ab: ${name} ${v} disagrees with onnxruntime (${err})`);
      vs.push({ name: v, call: () => model.net.call(x), cleanup: (r) => (r as NDArray).dispose() });
    }
    vs.push({ name: 'ort', call: runOrt });
    const stop = watchLoad();
    const s = sampleInterleaved(vs, { minSeconds: seconds, minReps: 20, warmup: 5, maxReps: 20_000 });
    const load = stop();
    const t = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, summarize(v)]));
    const o = t.ort!;
    const share = load.background === null ? 'n/a' : `${(load.background * 100).toFixed(0)}%`;
    console.log(`\n${name} (${t.eager!.samples} rounds, others ${share} of the CPUs): ort ${fmt(o.median)} / best ${fmt(o.best)}`);
    for (const v of ['eager', ...variants]) {
      const r = t[v]!;
      console.log(
        `  ${v.padEnd(10)} ${fmt(r.median).padStart(10)} / best ${fmt(r.best).padStart(10)}   ` +
          `/ort ${(r.median / o.median).toFixed(2)} (best ${(r.best / o.best).toFixed(2)})   /eager ${(r.median / t.eager!.median).toFixed(2)}`,
      );
    }
    x.dispose();
  }
  busy?.kill('SIGKILL');
}

await main();
