import { np } from './engine/index.ts';
import { prepareModel } from './engine/export/prepare-model.ts';
import { chainDocument } from './test/engine/support/chain-document.ts';
const layers = [...Array.from({ length: 20 }, (_, i) => ({ kind: 'Dense', name: `dense${i}`, attrs: { units: 512, activation: 'relu' } })), { kind: 'Dense', name: 'dense20', attrs: { units: 10 } }];
const m = await prepareModel(chainDocument(layers as never, [-1, 512], { seed: 5 }));
m.net.hybridize();
const x = np.random.uniform(-1, 1, [1, 512], { seed: 1 });
for (let i = 0; i < 50; i++) m.net.call(x).dispose();
const t: number[] = [];
for (let r = 0; r < 400; r++) { const s = performance.now(); m.net.call(x).dispose(); t.push(performance.now() - s); }
t.sort((a, b) => a - b);
console.log(process.env.BLOCKSMITH_THREADS ?? 'budget', 'median', (t[200]! * 1000).toFixed(0), 'p10', (t[40]! * 1000).toFixed(0), 'best', (t[0]! * 1000).toFixed(0));
