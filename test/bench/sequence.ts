// Sequence models (issue 16): the char-transformer example's encoder block (pre-norm causal
// self-attention, 4 heads, E 32, feed-forward 128, residual Adds) and an LSTM layer (32 → 64,
// NTC) on 32 time steps. Forward at batch 1 and 32 through net.call against onnxruntime-node's
// synchronous binding on the ONNX our exporter writes for the same document and parameters
// (outputs checked to agree first); a training step at batch 32 (forward, loss Σ y·g, backward,
// SGD) against the same layer written in PyTorch (/usr/bin/python3) on the same CPU and thread
// count. Ratio = engine / peer time (below 1.0× the engine is faster). Nothing asserts times.

import { execFileSync } from 'node:child_process';
import * as ort from 'onnxruntime-node';
import { binding as ortBinding, initOrt } from 'onnxruntime-node/dist/binding.js';
import type { NativeAddon } from '../../engine/backend/native-addon.ts';
import { autograd, np, type NDArray } from '../../engine/index.ts';
import { loadExample, type GraphDocument } from '../../engine/graph/index.ts';
import { exportGraph } from '../../engine/export/export-graph.ts';
import { exportOnnx } from '../../engine/export/onnx/onnx-export.ts';
import { prepareModel } from '../../engine/export/prepare-model.ts';
import { SGD, Trainer } from '../../engine/train/index.ts';
import { chainDocument } from '../engine/support/chain-document.ts';
import type { BenchOptions } from './options.ts';
import { ortSessionOptions } from './ort-options.ts';
import { fmtNum, type Row } from './report.ts';
import { timeInterleaved, timePerCall, type Timing, type Variant } from './timing.ts';

const T = 32;
const WIDTH = 32;
const TRAIN_BATCH = 32;
const TOLERANCE = 1e-4;

/** The char-transformer's encoder definition as a document of its own on (N, 32, 32). */
function transformerBlock(): GraphDocument {
  const example = loadExample('char-transformer');
  const block = example.blocks.find((b) => b.id === 'encoder')!;
  return {
    format: 'blocksmith.graph',
    version: 2,
    input: { shape: [-1, T, WIDTH], dtype: 'float32' },
    device: 'cpu',
    seed: 1,
    className: 'EncoderBlock',
    nodes: block.nodes,
    edges: block.edges,
    blocks: [],
  };
}

const lstmLayer = (): GraphDocument =>
  chainDocument([{ kind: 'LSTM', name: 'lstm0', attrs: { hiddenSize: 64, layout: 'NTC' } }], [-1, T, WIDTH], { className: 'LstmLayer' });

/** hybrid: also timed hybridized (one native net plan: hybrid-seq-ops.ts), interleaved with eager and onnxruntime. */
const MODELS = [
  { label: 'Transformer block (T 32, E 32, 4 heads, FF 128)', doc: transformerBlock, torch: 'transformer', hybrid: true },
  { label: 'LSTM layer (T 32, 32 → 64)', doc: lstmLayer, torch: 'lstm', hybrid: true },
] as const;

const TORCH_STEP = String.raw`
import json, sys, time, torch
from torch import nn
cfg = json.loads(sys.argv[1])
torch.set_num_threads(cfg['threads'])
T, E, N = cfg['T'], cfg['E'], cfg['batch']
class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(E), nn.LayerNorm(E)
        self.att = nn.MultiheadAttention(E, 4, batch_first=True)
        self.ff = nn.Sequential(nn.Linear(E, 128), nn.ReLU(), nn.Linear(128, E))
        self.register_buffer('mask', torch.triu(torch.full((T, T), float('-inf')), 1))
    def forward(self, x):
        h = self.ln1(x)
        x = x + self.att(h, h, h, need_weights=False, attn_mask=self.mask)[0]
        return x + self.ff(self.ln2(x))
class Lstm(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(E, 64, batch_first=True)
    def forward(self, x):
        return self.lstm(x)[0]
net = Block() if cfg['model'] == 'transformer' else Lstm()
opt = torch.optim.SGD(net.parameters(), lr=0.01)
x = torch.rand(N, T, E); g = torch.rand(N, T, E if cfg['model'] == 'transformer' else 64)
def step():
    opt.zero_grad(); (net(x) * g).sum().backward(); opt.step()
for _ in range(cfg['warmup']): step()
xs, start = [], time.perf_counter()
while len(xs) < cfg['minReps'] or time.perf_counter() - start < cfg['minSeconds']:
    t0 = time.perf_counter(); step(); xs.append(time.perf_counter() - t0)
xs.sort()
print(json.dumps({'median': xs[len(xs) // 2], 'best': xs[0]}))
`;

function relativeError(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return a.length !== b.length ? Infinity : diff / Math.max(scale, 1e-12);
}

const row = (benchmark: string, engine: Timing, peerName: string, peer: { median: number; best: number }, unit: 'µs' | 'ms'): Row => {
  const k = unit === 'µs' ? 1e6 : 1e3;
  return {
    suite: 'sequence',
    benchmark,
    value: engine.median * k,
    best: engine.best * k,
    unit,
    peerName,
    peerValue: peer.median * k,
    peerText: `${peerName}: ${fmtNum(peer.median * k)} (best ${fmtNum(peer.best * k)})`,
    ratio: engine.median / peer.median,
    ratioStyle: 'times',
    goal: '≤ 1.0×',
    verdict: engine.median <= peer.median ? 'PASS' : 'FAIL',
  };
};

export async function runSequenceSuite(addon: NativeAddon, options: BenchOptions, log: (s: string) => void): Promise<{ rows: Row[]; figures: unknown }> {
  const threads = addon.capabilities().threads;
  const sessionOptions = ortSessionOptions(threads, options.ortSpin);
  const perCall = { minSeconds: options.minSeconds, minReps: options.minReps * 4, warmup: options.warmup * 2 };
  const rows: Row[] = [];
  const figures: Record<string, unknown> = { threads, tolerance: TOLERANCE };
  initOrt();
  for (const { label, doc, torch, hybrid } of MODELS) {
    const document = doc();
    const model = await prepareModel(document);
    const bytes = exportOnnx(exportGraph(model));
    const compiled = hybrid ? await prepareModel(document) : null;
    compiled?.net.hybridize();
    const session = new ortBinding.InferenceSession();
    session.loadModel(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength, sessionOptions);
    for (const batch of [1, 32]) {
      const name = `${label} forward batch ${batch}`;
      const x = np.random.uniform(-1, 1, [batch, T, WIDTH], { seed: batch });
      const feeds = { data: new ort.Tensor('float32', x.toTyped() as Float32Array, [batch, T, WIDTH]) };
      const y = model.net.call(x);
      const err = relativeError(y.toTyped() as Float32Array, session.run(feeds, { output: null }, {}).output!.data as Float32Array);
      y.dispose();
      if (!(err <= TOLERANCE)) {
        log(`${name}: outputs disagree with onnxruntime (max|Δ|/max|y| ${err.toExponential(1)}); not timed`);
        rows.push({
          suite: 'sequence',
          benchmark: `${name} vs onnxruntime`,
          value: err,
          unit: 'rel. error',
          peerName: 'tolerance',
          peerValue: TOLERANCE,
          ratio: null,
          ratioStyle: 'times',
          goal: `≤ ${TOLERANCE}`,
          verdict: 'FAIL',
          loadSensitive: false,
        });
        continue;
      }
      // Eager, hybridized (a second build of the document: the same seeded parameters) and
      // onnxruntime alternate call by call, so all three see one load.
      const engineCall: Variant<NDArray> = { name: 'engine', call: () => model.net.call(x), cleanup: (r) => r.dispose() };
      const hybridCall: Variant<NDArray> = { name: 'hybrid', call: () => compiled!.net.call(x), cleanup: (r) => r.dispose() };
      let hybridErr = 0;
      if (hybrid) {
        const y = hybridCall.call();
        hybridErr = relativeError(y.toTyped() as Float32Array, session.run(feeds, { output: null }, {}).output!.data as Float32Array);
        y.dispose();
      }
      const variants = [engineCall as Variant, ...(hybrid && hybridErr <= TOLERANCE ? [hybridCall as Variant] : [])];
      const t = timeInterleaved([...variants, { name: 'ort', call: () => session.run(feeds, { output: null }, {}) }], {
        ...perCall,
        minReps: perCall.minReps * 5,
      });
      log(`${name}: net.call ${fmtNum(t.engine!.median * 1e6)} µs, onnxruntime ${fmtNum(t.ort!.median * 1e6)} µs (max|Δ|/max|y| ${err.toExponential(1)})`);
      rows.push(row(name, t.engine!, 'onnxruntime', t.ort!, 'µs'));
      figures[name] = { engine: t.engine, onnxruntime: t.ort, error: err };
      if (t.hybrid) {
        const hname = `${label} forward hybridized batch ${batch}`;
        log(
          `${hname}: ${fmtNum(t.hybrid.median * 1e6)} µs (${fmtNum(t.hybrid.median / t.engine!.median)}× eager, max|Δ|/max|y| ${hybridErr.toExponential(1)})`,
        );
        rows.push(row(hname, t.hybrid, 'onnxruntime', t.ort!, 'µs'));
        figures[hname] = { engine: t.hybrid, eager: t.engine, onnxruntime: t.ort, error: hybridErr };
      } else if (hybrid) log(`${label} hybridized batch ${batch}: outputs disagree with onnxruntime (${hybridErr.toExponential(1)}); not timed`);
      x.dispose();
    }
    session.dispose();

    // Training step at batch 32: Σ y·g (a fixed g), backward, SGD.
    const x = np.random.uniform(0, 1, [TRAIN_BATCH, T, WIDTH], { seed: 5 });
    const g = np.random.uniform(0, 1, model.net.call(x).shape, { seed: 6 });
    const trainer = new Trainer(model.net.collectParams(), new SGD({ learningRate: 0.01 }));
    const engine = timePerCall(
      () => {
        const l = autograd.record(() => model.net.call(x).mul(g).sum());
        l.backward();
        trainer.step(1);
        return l;
      },
      perCall,
      (l) => l.dispose(),
    );
    const peer = JSON.parse(
      execFileSync('/usr/bin/python3', ['-c', TORCH_STEP, JSON.stringify({ threads, model: torch, T, E: WIDTH, batch: TRAIN_BATCH, ...perCall })], {
        encoding: 'utf8',
      }),
    ) as { median: number; best: number };
    const name = `${label} training step batch ${TRAIN_BATCH}`;
    log(`${name}: ${fmtNum(engine.median * 1e3)} ms (PyTorch ${fmtNum(peer.median * 1e3)} ms)`);
    rows.push(row(name, engine, 'PyTorch', peer, 'ms'));
    figures[name] = { engine, torch: peer };
  }
  return { rows, figures };
}
