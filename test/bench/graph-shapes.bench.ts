// Shape inference on a 1000-node document, the size the editor must handle on every edit (goal:
// under 50 ms, validation included). Prints the times; asserts nothing.
//
//   node --import tsx test/bench/graph-shapes.bench.ts

import { GRAPH_FORMAT, GRAPH_VERSION, inferShapes, parseDocument, type GraphDocument } from '../../engine/graph/index.ts';

/** Input → 998 layers (Dense/Activation/Dropout) with a side branch every 50 nodes → Outputs. */
function bigDocument(size = 1000): GraphDocument {
  const nodes: GraphDocument['nodes'] = [{ id: 'in', kind: 'Input', name: 'data' }];
  const edges: GraphDocument['edges'] = [];
  const link = (s: string, t: string): void => {
    edges.push({ id: `e${edges.length}`, source: { node: s, port: 'output' }, target: { node: t, port: 'data' } });
  };
  let prev = 'in';
  let outputs = 0;
  for (let i = 0; nodes.length < size - 1; i++) {
    const id = `n${i}`;
    const kind = i % 3 === 0 ? 'Dense' : i % 3 === 1 ? 'Activation' : 'Dropout';
    const attrs = kind === 'Dense' ? { units: 64 + (i % 7) } : kind === 'Activation' ? { activation: 'relu' } : { rate: 0.1 };
    nodes.push({ id, kind, name: `${kind.toLowerCase()}${i}`, attrs });
    link(prev, id);
    prev = id;
    if (i % 50 === 49 && nodes.length < size - 2) {
      nodes.push({ id: `o${outputs}`, kind: 'Output', name: `output${outputs}` });
      link(id, `o${outputs++}`);
    }
  }
  nodes.push({ id: 'out', kind: 'Output', name: 'output' });
  link(prev, 'out');
  return { format: GRAPH_FORMAT, version: GRAPH_VERSION, input: { shape: [-1, 128], dtype: 'float32' }, device: 'cpu', seed: 0, nodes, edges, blocks: [] };
}

const doc = bigDocument();
const { problems } = parseDocument(doc);
if (problems.some((p) => p.severity === 'error')) throw new Error(JSON.stringify(problems.slice(0, 3)));
const times: number[] = [];
for (let i = 0; i < 30; i++) {
  const t = performance.now();
  const report = inferShapes(doc, { inputShape: [32, 128] });
  times.push(performance.now() - t);
  if (report.problems.some((p) => p.severity === 'error')) throw new Error('unexpected problems');
}
times.sort((a, b) => a - b);
const parseTimes: number[] = [];
for (let i = 0; i < 10; i++) {
  const t = performance.now();
  parseDocument(JSON.parse(JSON.stringify(doc)));
  parseTimes.push(performance.now() - t);
}
parseTimes.sort((a, b) => a - b);
console.log(`graph shapes: ${doc.nodes.length} nodes, ${doc.edges.length} edges`);
console.log(
  `  inferShapes (validation included): best ${times[0]!.toFixed(2)} ms, median ${times[times.length >> 1]!.toFixed(2)} ms, worst ${times[times.length - 1]!.toFixed(2)} ms (goal < 50 ms)`,
);
console.log(`  parseDocument (migrate + zod + validate): median ${parseTimes[parseTimes.length >> 1]!.toFixed(2)} ms`);
