// Inference latency: one forward pass of the chapter's MLP (20 → 256 relu → 10), the MNIST MLP
// (784 → 256 relu → 10), LeNet and the ResNet-18-style example at batch 1 and 64, through the engine (the built model's net.call, and
// runModel) against onnxruntime-node running the ONNX bytes our exporter writes for the same
// document and parameters (CPU execution provider, as many intra-op threads as the addon uses), on
// the same input. Outputs are checked to agree (max|Δ| / max|y| ≤ 1e-5) before anything is timed.
// µs per forward; ratio = onnxruntime / engine, so above 100% the engine is faster. The same model
// also runs hybridized (net.hybridize(): a cached plan, one native call for the Dense chain); its
// rows compare it with onnxruntime and with eager mode. No goal: the design's target for the
// compiled mode is a few µs at batch 1 (bare oneDNN ~1.1 µs, a figure from design.md that this
// bench does not measure).

import * as ort from 'onnxruntime-node';
import { binding as ortBinding, initOrt } from 'onnxruntime-node/dist/binding.js';
import type { NativeAddon } from '../../engine/backend/native-addon.ts';
import { np, type NDArray } from '../../engine/index.ts';
import { loadExample, runModel } from '../../engine/graph/index.ts';
import { exportGraph } from '../../engine/export/export-graph.ts';
import { exportOnnx } from '../../engine/export/onnx/onnx-export.ts';
import { prepareModel } from '../../engine/export/prepare-model.ts';
import type { BenchOptions } from './options.ts';
import { ortSessionOptions } from './ort-options.ts';
import { fmtNum, type Row } from './report.ts';
import { summarize, type Timing } from './timing.ts';

const MODELS = [
  { example: 'mlp', label: 'MLP 20-256-10' },
  { example: 'mnist-mlp', label: 'MNIST MLP 784-256-10' },
  { example: 'lenet', label: 'LeNet (1, 28, 28)' },
  { example: 'resnet', label: 'ResNet-18-style (3, 32, 32)' },
] as const;
const BATCHES = [1, 64];
/** max|Δ| / max|y| allowed between the engine's and onnxruntime's outputs. */
const TOLERANCE = 1e-5;
/** design.md's figure for bare oneDNN running the chapter's MLP at batch 1 (not measured by this bench). */
const BARE_DESIGN_US = 1.1;

interface AsyncVariant {
  name: string;
  /** Returns when the forward is done (a promise for onnxruntime's public run). */
  call: () => unknown;
  cleanup?: (r: unknown) => void;
}

/**
 * timing.ts's interleaving (one call of each variant per round, rotating order) for variants
 * that may be async: each call is awaited inside its timed region.
 */
async function sampleInterleavedAsync(
  vs: readonly AsyncVariant[],
  options: { minSeconds: number; minReps: number; warmup: number; maxReps: number },
): Promise<Record<string, number[]>> {
  for (const v of vs) {
    for (let i = 0; i < options.warmup; i++) v.cleanup?.(await v.call());
  }
  const samples: number[][] = vs.map(() => []);
  const start = performance.now() / 1000;
  for (let round = 0; ; round++) {
    for (let j = 0; j < vs.length; j++) {
      const k = (round + j) % vs.length;
      const v = vs[k]!;
      const t0 = performance.now();
      let r = v.call();
      if (r instanceof Promise) r = await r;
      const t1 = performance.now();
      samples[k]!.push((t1 - t0) / 1000);
      v.cleanup?.(r);
    }
    const reps = round + 1;
    if (reps >= options.maxReps) break;
    if (reps >= options.minReps && performance.now() / 1000 - start >= options.minSeconds * vs.length) break;
  }
  const out: Record<string, number[]> = {};
  vs.forEach((v, k) => {
    out[v.name] = samples[k]!;
  });
  return out;
}

/** max|a - b| / max|b|. */
function relativeError(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return scale === 0 ? diff : diff / scale;
}

const us = (t: Timing): number => t.median * 1e6;
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function runForwardSuite(addon: NativeAddon, options: BenchOptions, log: (s: string) => void): Promise<{ rows: Row[]; figures: unknown }> {
  const threads = addon.capabilities().threads;
  const sessionOptions = ortSessionOptions(threads, options.ortSpin);
  log(
    `onnxruntime-node ${ort.env.versions.common}, CPU execution provider, intraOpNumThreads ${threads} (= addon threads)${options.ortSpin ? ', spinning' : ', no spinning'}`,
  );
  log(
    `bare oneDNN: not measured here (native/bench/bare_dnnl_matmul only times square n³ products); design.md gives ~${BARE_DESIGN_US} µs for the small MLP at batch 1`,
  );
  const perCall = {
    minSeconds: options.minSeconds * 2,
    minReps: options.minReps * 20,
    warmup: Math.max(options.warmup * 20, 20),
    maxReps: 200_000,
  };
  const rows: Row[] = [];
  const figures: Record<string, unknown> = {
    threads,
    onnxruntime: ort.env.versions.common,
    tolerance: TOLERANCE,
    bareOneDnnMlpBatch1FromDesignUs: BARE_DESIGN_US,
  };
  for (const { example, label } of MODELS) {
    const doc = loadExample(example);
    const model = await prepareModel(doc); // built, parameters initialized by one forward (seeded by the document)
    const hybrid = await prepareModel(doc); // the same parameters (same seed), hybridized
    hybrid.net.hybridize();
    const served = await prepareModel(doc); // the same again, run as the service's forward (compiled after its first run)
    const bytes = exportOnnx(exportGraph(model));
    const session = await ort.InferenceSession.create(bytes, sessionOptions);
    // The same model through onnxruntime-node's native binding, called synchronously: the public
    // session.run defers every run with a setImmediate, which this skips.
    initOrt();
    const syncSession = new ortBinding.InferenceSession();
    syncSession.loadModel(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength, sessionOptions);
    const sample = doc.input.shape.slice(1);
    for (const batch of BATCHES) {
      const name = `${label} batch ${batch}`;
      const x = np.random.uniform(-1, 1, [batch, ...sample], { seed: 7 + batch });
      const feeds = { data: new ort.Tensor('float32', x.toTyped() as Float32Array, [batch, ...sample]) };
      const fetches = { output: null };
      const netCall = (): NDArray => model.net.call(x);
      const hybridCall = (): NDArray => hybrid.net.call(x);
      const run = (): NDArray => runModel(served, [x], { compiled: true }).outputs[0]!;

      // Outputs must agree before timing.
      const yNet = netCall();
      hybridCall().dispose(); // traces the plan
      const yHybrid = hybridCall();
      const yRun = run();
      const yOrt = (await session.run(feeds)).output!.data as Float32Array;
      const ySync = syncSession.run(feeds, fetches, {}).output!.data as Float32Array;
      const errors = {
        netCall: relativeError(yNet.toTyped() as Float32Array, yOrt),
        hybrid: relativeError(yHybrid.toTyped() as Float32Array, yOrt),
        runModel: relativeError(yRun.toTyped() as Float32Array, yOrt),
        ortSync: relativeError(ySync, yOrt),
      };
      yNet.dispose();
      yHybrid.dispose();
      yRun.dispose();
      const worst = Math.max(...Object.values(errors));
      if (!(worst <= TOLERANCE)) {
        log(`${name}: outputs disagree (max|Δ|/max|y|: ${JSON.stringify(errors)}); not timed`);
        rows.push({
          suite: 'forward',
          benchmark: `${name} outputs vs onnxruntime`,
          value: worst,
          unit: 'rel. error',
          peerName: 'tolerance',
          peerValue: TOLERANCE,
          ratio: null,
          ratioStyle: 'percent',
          goal: `≤ ${TOLERANCE}`,
          verdict: 'FAIL',
          loadSensitive: false,
        });
        figures[name] = { errors };
        continue;
      }

      await yieldToEventLoop();
      const samples = await sampleInterleavedAsync(
        [
          { name: 'netCall', call: netCall, cleanup: (r) => (r as NDArray).dispose() },
          { name: 'hybrid', call: hybridCall, cleanup: (r) => (r as NDArray).dispose() },
          { name: 'runModel', call: run, cleanup: (r) => (r as NDArray).dispose() },
          { name: 'ortRun', call: () => session.run(feeds) },
          { name: 'ortSync', call: () => syncSession.run(feeds, fetches, {}) },
        ],
        perCall,
      );
      const t = {
        netCall: summarize(samples.netCall!),
        hybrid: summarize(samples.hybrid!),
        runModel: summarize(samples.runModel!),
        ortRun: summarize(samples.ortRun!),
        ortSync: summarize(samples.ortSync!),
      };
      log(
        `${name}: net.call ${us(t.netCall).toFixed(1)} µs, hybridized ${us(t.hybrid).toFixed(1)} µs, runModel ${us(t.runModel).toFixed(1)} µs, ` +
          `ort session.run ${us(t.ortRun).toFixed(1)} µs, ort binding.run ${us(t.ortSync).toFixed(1)} µs ` +
          `(${t.netCall.samples} calls each; max|Δ|/max|y| ${worst.toExponential(1)})`,
      );
      const row = (what: string, engine: Timing, peerName: string, peer: Timing): Row => ({
        suite: 'forward',
        benchmark: `${name} ${what}`,
        value: engine.median * 1e6,
        best: engine.best * 1e6,
        unit: 'µs',
        peerName,
        peerValue: peer.median * 1e6,
        peerText: `${peerName}: ${fmtNum(peer.median * 1e6)} (best ${fmtNum(peer.best * 1e6)})`,
        ratio: peer.median / engine.median,
        ratioStyle: 'percent',
        goal: '',
        verdict: 'info',
      });
      rows.push(
        row('net.call', t.netCall, 'ort session.run', t.ortRun),
        row('runModel', t.runModel, 'ort session.run', t.ortRun),
        row('net.call vs ort sync', t.netCall, 'ort binding.run', t.ortSync),
        row('hybridized', t.hybrid, 'ort session.run', t.ortRun),
        row('hybridized vs ort sync', t.hybrid, 'ort binding.run', t.ortSync),
        row('hybridized vs eager', t.hybrid, 'eager net.call', t.netCall),
      );
      if (example === 'mlp' && batch === 1) {
        rows.push({
          suite: 'forward',
          benchmark: `${name} bare oneDNN`,
          value: null,
          unit: 'µs',
          engineText: `~${BARE_DESIGN_US} µs (design.md; not measured)`,
          peerName: '',
          peerValue: null,
          ratio: null,
          ratioStyle: 'percent',
          goal: '',
          verdict: 'info',
        });
      }
      figures[name] = {
        example,
        batch,
        errors,
        netCall: t.netCall,
        hybrid: t.hybrid,
        runModel: t.runModel,
        ortSessionRun: t.ortRun,
        ortBindingRun: t.ortSync,
      };
      x.dispose();
      await yieldToEventLoop(); // let napi finalizers free what the loop left to the GC
    }
    syncSession.dispose();
    await session.release();
  }
  return { rows, figures };
}
