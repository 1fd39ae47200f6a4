// Run by hybridize-busy.test.ts in a child process (BLOCKSMITH_ASSUME_BUSY_CORES is read once, when
// the addon loads): the LeNet and ResNet examples eager and hybridized at batch 1 and a batch that
// splits into chunks, with batch norms away from their defaults (folded into the convolutions).
// Prints JSON: per case the relative difference hybridized vs eager, the chunk jobs the
// hybridized forward ran (native/src/threading.h runChunks) and its Winograd steps.
import { np } from '../../../../engine/index.ts';
import { loadNativeAddon } from '../../../../engine/backend/native-loader.ts';
import { loadExample } from '../../../../engine/graph/index.ts';
import { prepareModel } from '../../../../engine/export/prepare-model.ts';
import { relDiff } from '../../support/hybrid-check.ts';

const addon = loadNativeAddon();
const chunkJobs = (): number => addon.capabilities().threading?.chunkJobs ?? -1;
const winogradRuns = (): number => addon.capabilities().winogradRuns ?? -1;

const out: Record<string, { diff: number; chunkJobs: number; winogradRuns: number }> = {};
for (const [example, batches] of [
  ['lenet', [1, 64]],
  ['resnet', [1, 16]],
] as const) {
  const doc = loadExample(example);
  const model = await prepareModel(doc);
  let seed = 100;
  for (const p of model.net.collectParams().values()) {
    if (!/(running_mean|running_var|gamma|beta)$/.test(p.name)) continue;
    const lo = /(running_var|gamma)$/.test(p.name) ? 0.5 : -0.5;
    p.setData(np.random.uniform(lo, lo + 1, [p.shape![0]!], { seed: seed++ }));
  }
  for (const batch of batches) {
    const x = np.random.uniform(-1, 1, [batch, ...doc.input.shape.slice(1)], { seed: batch });
    model.net.hybridize(false);
    const eager = model.net.call(x);
    model.net.hybridize();
    model.net.call(x).dispose(); // traces and builds the plan
    const before = chunkJobs();
    const winogradBefore = winogradRuns();
    const hybrid = model.net.call(x);
    out[`${example} batch ${batch}`] = { diff: relDiff(hybrid, eager), chunkJobs: chunkJobs() - before, winogradRuns: winogradRuns() - winogradBefore };
  }
}
process.stdout.write(JSON.stringify({ threading: addon.capabilities().threading, out }));
