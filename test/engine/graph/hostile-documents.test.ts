// Issue 12, items 3, 5 and 7 at the graph layer: expansion bombs are refused in validation with
// their count, deep nesting is a coded problem (not a stack overflow), and 100k edges into one
// Concat validate in linear time. The documents are the issue's, built here, plus one `npm run
// fuzz` found: a Code block whose shapes were inferred by running it on an 8 GB input.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  buildModel,
  inferShapes,
  loadExample,
  parseDocument,
  validateDocument,
  GraphError,
  type GraphDocument,
  type GraphNode,
} from '../../../engine/graph/index.ts';
import { chainDocument } from '../support/chain-document.ts';

type Body = { nodes: GraphNode[]; edges: GraphDocument['edges'] };

/** Input → the given nodes in a chain → Output. */
function chain(middle: GraphNode[]): Body {
  const nodes: GraphNode[] = [{ id: 'in', kind: 'Input', name: 'data' }, ...middle, { id: 'out', kind: 'Output', name: 'output' }];
  const edges = nodes.slice(1).map((n, i) => ({ id: `e${i}`, source: { node: nodes[i]!.id, port: 'output' }, target: { node: n.id, port: 'data' } }));
  return { nodes, edges };
}

function documentOf(main: GraphNode[], blocks: (Body & { id: string })[]): GraphDocument {
  return {
    format: 'blocksmith.graph',
    version: 2,
    input: { shape: [2, 8], dtype: 'float32' },
    device: 'cpu',
    seed: 0,
    ...chain(main),
    blocks,
  } as GraphDocument;
}

const dense = (id: string): GraphNode => ({ id, kind: 'Dense', name: id, attrs: { units: 4 } });
const codes = (problems: readonly { code: string }[]) => problems.map((p) => p.code);

/** b0 uses b1 uses b2 … uses b{n-1}, which holds one Dense. */
function nested(n: number): GraphDocument {
  const blocks = Array.from({ length: n }, (_, i) => ({
    id: `b${i}`,
    ...chain([i === n - 1 ? dense('d') : { id: 'u', kind: 'BlockInstance', name: `use${i}`, block: `b${i + 1}` }]),
  }));
  return documentOf([{ id: 'top', kind: 'BlockInstance', name: 'top', block: 'b0' }], blocks);
}

describe('expansion bombs (item 3)', () => {
  test('Repeat(1024) inside Repeat(1024) is refused in validation with the count', () => {
    const doc = documentOf(
      [{ id: 'r', kind: 'Repeat', name: 'outer', block: 'outer', count: 1024 }],
      [
        { id: 'outer', ...chain([{ id: 'r', kind: 'Repeat', name: 'inner', block: 'inner', count: 1024 }]) },
        { id: 'inner', ...chain([dense('d')]) },
      ],
    );
    assert.ok(JSON.stringify(doc).length < 1500, 'the bomb is about 1.2 KB');
    const problems = validateDocument(doc);
    const p = problems.find((q) => q.code === 'E_EXPANSION_LIMIT');
    assert.ok(p, `expected E_EXPANSION_LIMIT, got ${codes(problems).join(', ')}`);
    assert.match(p.message, /1,048,576 layers/);
    assert.match(p.message, /BLOCKSMITH_MAX_LAYERS/);
    assert.throws(
      () => buildModel(doc),
      (e: unknown) => e instanceof GraphError && /E_EXPANSION_LIMIT/.test(e.message),
    );
    assert.ok(codes(inferShapes(doc).problems).includes('E_EXPANSION_LIMIT'), 'inferShapes reports it');
  });

  test('20 levels of blocks that each use the next twice (2^20 layers) are refused', () => {
    const levels = 21;
    const blocks = Array.from({ length: levels }, (_, i) => ({
      id: `b${i}`,
      ...chain(
        i === levels - 1
          ? [dense('d')]
          : [
              { id: 'x', kind: 'BlockInstance', name: `x${i}`, block: `b${i + 1}` },
              { id: 'y', kind: 'BlockInstance', name: `y${i}`, block: `b${i + 1}` },
            ],
      ),
    }));
    const problems = validateDocument(documentOf([{ id: 'top', kind: 'BlockInstance', name: 'top', block: 'b0' }], blocks));
    const p = problems.find((q) => q.code === 'E_EXPANSION_LIMIT');
    assert.ok(p, codes(problems).join(', '));
    assert.match(p.message, /1,048,576 layers/);
  });

  test('an inline Repeat sequence counts its copies; a document under the limit passes', () => {
    const seq = Array.from({ length: 100 }, (_, i) => ({ kind: 'Dense', name: `s${i}`, attrs: { units: 4 } }));
    const big = documentOf([{ id: 'r', kind: 'Repeat', name: 'rep', sequence: seq, count: 1024 } as GraphNode], []);
    assert.match(validateDocument(big).find((q) => q.code === 'E_EXPANSION_LIMIT')?.message ?? '', /102,400 layers/);
    const small = documentOf([{ id: 'r', kind: 'Repeat', name: 'rep', block: 'inner', count: 4 }], [{ id: 'inner', ...chain([dense('d')]) }]);
    assert.deepEqual(
      codes(validateDocument(small)).filter((c) => c.startsWith('E_')),
      [],
    );
  });
});

describe('deep nesting (item 5)', () => {
  for (const depth of [1500, 5000]) {
    test(`block definitions nested ${depth} deep: a coded problem in validate, inferShapes and build`, () => {
      const doc = nested(depth);
      const problems = validateDocument(doc);
      const p = problems.find((q) => q.code === 'E_NESTING_DEPTH');
      assert.ok(p, codes(problems).join(', '));
      assert.match(p.message, new RegExp(`nest ${depth} deep`));
      assert.ok(codes(inferShapes(doc).problems).includes('E_NESTING_DEPTH'), 'inferShapes reports it');
      assert.throws(() => buildModel(doc), GraphError);
    });
  }

  test('nesting within the limit still builds and infers', () => {
    const report = inferShapes(nested(20));
    assert.deepEqual(
      codes(report.problems).filter((c) => c.startsWith('E_')),
      [],
    );
    assert.deepEqual(report.edges.e1?.shape, [2, 4]);
  });

  test('definitions used in a circle 5,000 long are reported, not a stack overflow', () => {
    const doc = nested(5000);
    (doc.blocks[4999]!.nodes[1] as GraphNode) = { id: 'd', kind: 'BlockInstance', name: 'back', block: 'b0' };
    const problems = validateDocument(doc);
    assert.ok(codes(problems).includes('E_BLOCK_RECURSIVE'), codes(problems).join(', '));
  });

  test('an attribute nested 100k arrays deep: parseDocument gives E_JSON_DEPTH', () => {
    const doc = chainDocument([{ kind: 'Dense', name: 'dense0', attrs: { units: 4 } }], [2, 8]) as unknown as { nodes: { attrs?: Record<string, unknown> }[] };
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    doc.nodes[1]!.attrs!.units = deep;
    const { document, problems } = parseDocument(doc);
    assert.equal(document, null);
    assert.deepEqual(codes(problems), ['E_JSON_DEPTH']);
  });
});

describe('linear validation (item 7)', () => {
  test('100k edges into one Concat validate and infer shapes', () => {
    const n = 100_000;
    const nodes: GraphNode[] = [
      { id: 'in', kind: 'Input', name: 'data' },
      { id: 'cat', kind: 'Concat', name: 'concat0', attrs: { axis: 1 } },
      { id: 'out', kind: 'Output', name: 'output' },
    ];
    const edges = Array.from({ length: n }, (_, i) => ({ id: `e${i}`, source: { node: 'in', port: 'output' }, target: { node: 'cat', port: 'data' } }));
    edges.push({ id: 'last', source: { node: 'cat', port: 'output' }, target: { node: 'out', port: 'data' } });
    const doc = {
      format: 'blocksmith.graph',
      version: 2,
      input: { shape: [2, 3], dtype: 'float32' },
      device: 'cpu',
      seed: 0,
      nodes,
      edges,
      blocks: [],
    } as GraphDocument;
    const problems = validateDocument(doc);
    assert.deepEqual(
      codes(problems).filter((c) => c.startsWith('E_')),
      [],
    );
    // The oracle: concatenating n copies of (2, 3) along axis 1 gives (2, 3n).
    assert.deepEqual(inferShapes(doc).edges.last?.shape, [2, 3 * n]);
  });
});

describe('memory budget (item 2)', () => {
  // The document: 20 features → Dense(2,000,000,000) → Dense(10), 62,000,000,010 parameters.
  const huge = () =>
    chainDocument(
      [
        { kind: 'Dense', name: 'dense0', attrs: { units: 2_000_000_000 } },
        { kind: 'Dense', name: 'dense1', attrs: { units: 10 } },
      ],
      [2, 20],
    );

  test('Dense units 2e9 is refused by inferShapes and buildModel before anything is allocated', () => {
    const problems = inferShapes(huge()).problems;
    const p = problems.find((q) => q.code === 'E_MEMORY_BUDGET');
    assert.ok(p, codes(problems).join(', '));
    assert.match(p.message, /62,000,000,010 parameters/);
    assert.match(p.message, /BLOCKSMITH_MEMORY_BUDGET/);
    assert.throws(
      () => buildModel(huge()),
      (e: unknown) => e instanceof GraphError && e.problems.some((q) => q.code === 'E_MEMORY_BUDGET'),
    );
  });

  test("the budget counts activations at the document's batch, and the user can raise it", () => {
    // 1,000 × 2,000,000 floats of activations at batch 1000: 8 GB per edge, two edges, no parameters.
    const wide = chainDocument([{ kind: 'Activation', name: 'act0', attrs: { activation: 'relu' } }], [1000, 2_000_000]);
    assert.ok(codes(inferShapes(wide).problems).includes('E_MEMORY_BUDGET'), 'activations count');
    const saved = process.env.BLOCKSMITH_MEMORY_BUDGET;
    process.env.BLOCKSMITH_MEMORY_BUDGET = '64GB';
    try {
      assert.ok(!codes(inferShapes(wide).problems).includes('E_MEMORY_BUDGET'), 'a raised budget admits it');
    } finally {
      if (saved === undefined) delete process.env.BLOCKSMITH_MEMORY_BUDGET;
      else process.env.BLOCKSMITH_MEMORY_BUDGET = saved;
    }
    const small = chainDocument([{ kind: 'Dense', name: 'dense0', attrs: { units: 256 } }], [2, 20]);
    assert.deepEqual(codes(inferShapes(small).problems), []);
  });

  test('a Code block on a (2, 1e9) input is refused before shape inference runs it on 8 GB (found by npm run fuzz)', () => {
    // The fuzz's input (seed 8, input 1851): the MyDense example with its input widened; it used to
    // take 40 s and 7.5 GB in inferShapes, which runs the code on arrays of the input's shape.
    const doc = loadExample('my-dense');
    doc.input.shape = [2, 1_000_000_000];
    const before = process.memoryUsage().rss;
    const problems = inferShapes(doc).problems;
    const p = problems.find((q) => /limit for that/.test(q.message));
    assert.ok(p, problems.map((q) => q.message).join('; '));
    assert.match(p.message, /\(2, 1000000000\).*7\.5 GB, over the 256\.0 MB limit/);
    assert.match(p.message, /BLOCKSMITH_MAX_TRACE/);
    assert.ok(process.memoryUsage().rss - before < 2 ** 30, 'nothing of that size was allocated');

    // The example's own (2, 64) input passes; the limit is the user's to set (here below it: refused).
    assert.deepEqual(codes(inferShapes(loadExample('my-dense')).problems), []);
    const saved = process.env.BLOCKSMITH_MAX_TRACE;
    process.env.BLOCKSMITH_MAX_TRACE = '1KB';
    try {
      assert.match(inferShapes(loadExample('my-dense')).problems[0]?.message ?? '', /over the 1024 bytes limit/);
    } finally {
      if (saved === undefined) delete process.env.BLOCKSMITH_MAX_TRACE;
      else process.env.BLOCKSMITH_MAX_TRACE = saved;
    }
  });
});
