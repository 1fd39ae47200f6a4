// The document schema: round trips, defaults, the published JSON Schema being up to date, and the
// forward migration from version 1.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { GRAPH_FORMAT, GRAPH_VERSION, exampleNames, loadExample, migrateDocument, parseDocument, zGraphDocument } from '../../../engine/graph/index.ts';
import { graphSchemaText, SCHEMA_PATH } from '../../../scripts/generate-graph-schema.ts';
import { nextNodeName } from '../../../engine/protocol/graph-names.ts';

test('every example round-trips through JSON and the schema unchanged', () => {
  for (const name of exampleNames()) {
    const doc = loadExample(name);
    const again = parseDocument(JSON.parse(JSON.stringify(doc)));
    assert.deepEqual(again.document, doc, name);
    assert.deepEqual(
      again.problems.filter((p) => p.severity === 'error'),
      [],
      name,
    );
  }
});

test('defaults fill device, seed, dtype and blocks', () => {
  const doc = zGraphDocument.parse({
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    input: { shape: [-1, 4] },
    nodes: [
      { id: 'in', kind: 'Input', name: 'data' },
      { id: 'out', kind: 'Output', name: 'output' },
    ],
    edges: [{ id: 'e1', source: { node: 'in', port: 'output' }, target: { node: 'out', port: 'data' } }],
  });
  assert.equal(doc.device, 'cpu');
  assert.equal(doc.seed, 0);
  assert.equal(doc.input.dtype, 'float32');
  assert.deepEqual(doc.blocks, []);
});

test('unknown fields are refused (strict objects), with their path', () => {
  const doc = JSON.parse(JSON.stringify(loadExample('mlp'))) as Record<string, unknown>;
  (doc.nodes as Record<string, unknown>[])[1]!.colour = 'red';
  const { document, problems } = parseDocument(doc);
  assert.equal(document, null);
  assert.equal(problems[0]!.code, 'E_SCHEMA');
  assert.equal(problems[0]!.path, 'nodes[1]');
  assert.equal(problems[0]!.nodeId, 'hidden');
});

test('assets/graph-document.schema.json is generated from the zod schema and up to date', () => {
  const committed = readFileSync(SCHEMA_PATH, 'utf8');
  assert.equal(committed, graphSchemaText(), 'run: node --import tsx scripts/generate-graph-schema.ts');
  const schema = JSON.parse(committed) as { properties: Record<string, { const?: unknown }>; required: string[] };
  assert.equal(schema.properties.format!.const, GRAPH_FORMAT);
  assert.equal(schema.properties.version!.const, GRAPH_VERSION);
  assert.ok(schema.required.includes('nodes') && schema.required.includes('edges'));
});

const v1 = {
  format: GRAPH_FORMAT,
  version: 1,
  inputShape: [-1, 20],
  dtype: 'float32',
  seed: 7,
  nodes: [
    { id: 'in', kind: 'Input', name: 'data', position: { x: 0, y: 0 } },
    { id: 'd', kind: 'BlockInstance', name: 'sequential1', block: 'blk', position: { x: 200, y: 0 } },
    { id: 'out', kind: 'Output', name: 'output', position: { x: 400, y: 0 } },
  ],
  edges: [
    { id: 'e1', source: { node: 'in', port: 'output' }, target: { node: 'd', port: 'data' } },
    { id: 'e2', source: { node: 'd', port: 'output' }, target: { node: 'out', port: 'data' } },
  ],
  definitions: [
    {
      id: 'blk',
      nodes: [
        { id: 'in', kind: 'Input', name: 'data' },
        { id: 'h', kind: 'Dense', name: 'dense0', attrs: { units: 4 }, position: { x: 10, y: 20 } },
        { id: 'out', kind: 'Output', name: 'output' },
      ],
      edges: [
        { id: 'e1', source: { node: 'in', port: 'output' }, target: { node: 'h', port: 'data' } },
        { id: 'e2', source: { node: 'h', port: 'output' }, target: { node: 'out', port: 'data' } },
      ],
    },
  ],
};

test('migration v1 → v2: input spec grouped, definitions renamed blocks, positions moved to layout', () => {
  const m = migrateDocument(v1);
  assert.equal(m.migratedFrom, 1);
  const { document, problems } = parseDocument(v1);
  assert.deepEqual(problems, []);
  assert.ok(document);
  assert.equal(document.version, 2);
  assert.deepEqual(document.input, { shape: [-1, 20], dtype: 'float32' });
  assert.equal(document.seed, 7);
  assert.deepEqual(document.layout?.positions, { in: { x: 0, y: 0 }, d: { x: 200, y: 0 }, out: { x: 400, y: 0 } });
  assert.equal(document.blocks[0]!.id, 'blk');
  assert.deepEqual(document.blocks[0]!.layout?.positions, { h: { x: 10, y: 20 } });
  assert.ok(!('position' in document.nodes[0]!));
  // The input is not touched: migrations work on copies.
  assert.equal(v1.version, 1);
  assert.ok('position' in v1.nodes[0]!);
});

test('a file newer than this Blocksmith, or not a graph at all, is refused with a clear problem', () => {
  assert.equal(migrateDocument({ ...v1, version: GRAPH_VERSION + 1 }).problems[0]!.code, 'E_VERSION');
  assert.equal(migrateDocument({ ...v1, version: 1.5 }).problems[0]!.code, 'E_VERSION');
  assert.equal(migrateDocument({ ...v1, format: 'onnx' }).problems[0]!.code, 'E_FORMAT');
  assert.equal(migrateDocument([1, 2]).problems[0]!.code, 'E_JSON');
});

test('the published JSON Schema accepts every example and refuses malformed files (checked by python-jsonschema)', (t) => {
  // A validator nobody here wrote: python's jsonschema (Draft 2020-12), when the machine has it.
  const probe = spawnSync('python3', ['-c', 'import jsonschema'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    t.skip('python3 with jsonschema is not installed');
    return;
  }
  const docs = [
    ...exampleNames().map((n) => ({ name: n, doc: loadExample(n), valid: true })),
    { name: 'malformed', doc: JSON.parse(readFileSync(new URL('./broken/malformed.json', import.meta.url), 'utf8')).document as unknown, valid: false },
    { name: 'extra-field', doc: { ...loadExample('mlp'), colour: 'red' }, valid: false },
    { name: 'bad-device', doc: { ...loadExample('mlp'), device: 'tpu' }, valid: false },
  ];
  const script = [
    'import json, sys, jsonschema',
    'schema = json.load(open(sys.argv[1]))',
    'cls = jsonschema.validators.validator_for(schema)',
    'cls.check_schema(schema)',
    'v = cls(schema)',
    'for item in json.load(sys.stdin):',
    '    print(item["name"], "valid" if v.is_valid(item["doc"]) else "invalid")',
  ].join('\n');
  const run = spawnSync('python3', ['-c', script, SCHEMA_PATH], { input: JSON.stringify(docs), encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(
    run.stdout.trim().split('\n'),
    docs.map((d) => `${d.name} ${d.valid ? 'valid' : 'invalid'}`),
  );
});

test('nextNodeName: Gluon hints and the first counter no node of the document uses', () => {
  const doc = loadExample('rgnet');
  assert.equal(nextNodeName(doc, { kind: 'Dense' }), 'dense2'); // block1 stores dense0, dense1; main graph dense8
  assert.equal(nextNodeName(doc, { kind: 'Activation', attrs: { activation: 'relu' } }), 'relu0');
  assert.equal(nextNodeName(doc, { kind: 'BlockInstance', block: 'block2' }), 'sequential0');
  assert.equal(nextNodeName(loadExample('chimera'), { kind: 'BlockInstance', block: 'NestMLP' }), 'nestmlp1');
  assert.equal(nextNodeName(doc, { kind: 'FancyMLP' }), 'fancymlp0');
});
