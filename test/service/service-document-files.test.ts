// readDocumentFile / writeDocumentFile against a real engine process: save and read back, atomic
// replacement, version-1 files migrated (with migratedFrom), and each bad input refused with a
// code and a message naming the path, leaving what was on disk untouched; a .safetensors written by
// saveParameters opens as a model file (its document, and the file to load its values from).
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startLocalEngine, type LocalEngine } from '../../engine/service/client.ts';
import { errorOf, within } from './service-helpers.ts';

const fixture = (name: string) => readFile(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

let engine: LocalEngine;
let dir: string;
let mlp: Record<string, unknown>;
before(async () => {
  engine = await startLocalEngine({ echoStderr: false });
  dir = await mkdtemp(path.join(tmpdir(), 'blocksmith-docfiles-'));
  mlp = JSON.parse(await fixture('mlp.json')) as Record<string, unknown>;
  await within(20000, engine.client.call('ping', {}), 'first ping');
});
after(async () => {
  await engine.close();
  await rm(dir, { recursive: true, force: true });
});

test('a document written by path reads back the same, and a second write replaces it atomically', async () => {
  const file = path.join(dir, 'mlp.json');
  const written = await engine.client.call('writeDocumentFile', { path: file, document: mlp });
  assert.equal(written.path, file);
  assert.ok(written.bytes > 100);
  const back = await engine.client.call('readDocumentFile', { path: file });
  assert.equal(back.migratedFrom, null);
  assert.deepEqual(back.problems, []);
  assert.deepEqual((back.document as { nodes: unknown }).nodes, mlp.nodes);
  assert.equal(back.modifiedMs, written.modifiedMs);

  const retitled = { ...mlp, title: 'second' };
  await engine.client.call('writeDocumentFile', { path: file, document: retitled, overwrite: true });
  assert.equal(JSON.parse(await readFile(file, 'utf8')).title, 'second');
  // No temporary file is left beside it.
  assert.deepEqual(await readdir(dir), ['mlp.json']);
});

test('a relative path is resolved by the engine and the absolute path is returned', async () => {
  const r = await engine.client.call('writeDocumentFile', { path: path.relative(process.cwd(), path.join(dir, 'rel.json')), document: mlp });
  assert.equal(r.path, path.join(dir, 'rel.json'));
});

test('a version-1 file is migrated to version 2 and says which version it was', async () => {
  const file = path.join(dir, 'old.json');
  await writeFile(file, await fixture('mlp-v1.json'));
  const r = await engine.client.call('readDocumentFile', { path: file });
  assert.equal(r.migratedFrom, 1);
  const doc = r.document as { version: number; input: unknown; layout?: { positions?: Record<string, unknown> }; nodes: { position?: unknown }[] };
  assert.equal(doc.version, 2);
  assert.deepEqual(doc.input, { shape: [2, 20], dtype: 'float32' });
  assert.deepEqual(doc.layout?.positions?.h, { x: 220, y: 100 });
  assert.ok(doc.nodes.every((n) => n.position === undefined));
  // The migrated document is one the engine accepts as is.
  assert.equal((await engine.client.call('openDocument', { document: r.document })).ok, true);
});

test('a missing file, a file that is not JSON and a JSON file that is not a graph each get a code and the path', async () => {
  const missing = path.join(dir, 'nope.json');
  let e = await errorOf(engine.client.call('readDocumentFile', { path: missing }));
  assert.equal(e.code, 'E_FILE_NOT_FOUND');
  assert.ok(e.message.includes(missing), e.message);

  const broken = path.join(dir, 'broken.json');
  await writeFile(broken, '{"format": "blocksmith.graph", ');
  e = await errorOf(engine.client.call('readDocumentFile', { path: broken }));
  assert.equal(e.code, 'E_NOT_JSON');
  assert.ok(e.message.startsWith(`${broken} is not JSON`), e.message);

  const other = path.join(dir, 'package.json');
  await writeFile(other, '{"name": "x"}');
  e = await errorOf(engine.client.call('readDocumentFile', { path: other }));
  assert.equal(e.code, 'E_NOT_A_DOCUMENT');
  assert.match(e.message, /package\.json is not a Blocksmith graph document \(at format\)/);

  const future = path.join(dir, 'future.json');
  await writeFile(future, JSON.stringify({ ...mlp, version: 99 }));
  e = await errorOf(engine.client.call('readDocumentFile', { path: future }));
  assert.equal(e.code, 'E_NOT_A_DOCUMENT');
  assert.match(e.message, /version 99, newer than this Blocksmith reads/);

  e = await errorOf(engine.client.call('readDocumentFile', { path: dir }));
  assert.equal(e.code, 'E_FILE_IO');
  assert.match(e.message, /is a folder/);
});

test('writing refuses a non-document, a missing folder and (when asked) an existing file, and leaves the old file intact', async () => {
  const file = path.join(dir, 'keep.json');
  await engine.client.call('writeDocumentFile', { path: file, document: mlp });
  const before = await readFile(file, 'utf8');

  let e = await errorOf(engine.client.call('writeDocumentFile', { path: file, document: { format: 'blocksmith.graph', version: 2, nodes: 'no' } }));
  assert.equal(e.code, 'E_NOT_A_DOCUMENT');
  assert.ok(e.message.includes(file));
  assert.equal(await readFile(file, 'utf8'), before);

  e = await errorOf(engine.client.call('writeDocumentFile', { path: file, document: mlp, overwrite: false }));
  assert.equal(e.code, 'E_FILE_EXISTS');
  assert.equal(await readFile(file, 'utf8'), before);
  // Issue 12, item 11: overwriting is explicit; omitting overwrite leaves the file alone too.
  e = await errorOf(engine.client.call('writeDocumentFile', { path: file, document: mlp }));
  assert.equal(e.code, 'E_FILE_EXISTS');
  assert.equal(await readFile(file, 'utf8'), before);

  const nowhere = path.join(dir, 'no-such-folder', 'x.json');
  e = await errorOf(engine.client.call('writeDocumentFile', { path: nowhere, document: mlp }));
  assert.equal(e.code, 'E_FILE_NOT_FOUND');
  assert.match(e.message, /the folder .*no-such-folder does not exist/);
});

test('a document with validation problems (work in progress) is still saved', async () => {
  const cyclic = structuredClone(mlp) as { edges: unknown[] };
  cyclic.edges.push({ id: 'loop', source: { node: 'o', port: 'output' }, target: { node: 'h', port: 'data' } });
  const file = path.join(dir, 'wip.json');
  await engine.client.call('writeDocumentFile', { path: file, document: cyclic });
  const back = await engine.client.call('readDocumentFile', { path: file });
  assert.ok(back.problems.some((p) => p.severity === 'error'));
});

test('openDocument with returnDocument answers the migrated document and the version it had', async () => {
  const v1 = JSON.parse(await fixture('mlp-v1.json')) as Record<string, unknown>;
  const r = await engine.client.call('openDocument', { docId: 'up', document: v1, returnDocument: true });
  assert.equal(r.migratedFrom, 1);
  assert.equal((r.document as { version: number }).version, 2);
  const current = await engine.client.call('openDocument', { docId: 'cur', document: mlp, returnDocument: true });
  assert.equal(current.migratedFrom, null);
  // Without the flag the answer stays small (it is sent after every edit).
  const plain = await engine.client.call('openDocument', { docId: 'cur', document: mlp });
  assert.deepEqual(Object.keys(plain).sort(), ['docId', 'ok', 'problems', 'revision']);
});

test('a .safetensors from saveParameters carries its document: readDocumentFile opens it as a model file', async () => {
  const { client } = engine;
  const opened = await client.call('openDocument', { document: mlp });
  await client.call('forward', { docId: opened.docId, maxValues: 0 });
  await client.call('setParameter', { docId: opened.docId, name: 'dense0_bias', value: { fill: 3 } });
  const file = path.join(dir, 'from-editor.safetensors');
  await client.call('saveParameters', { docId: opened.docId, path: file, fullNames: true });
  const read = await client.call('readDocumentFile', { path: file });
  assert.equal(read.parametersFile, file);
  assert.deepEqual((read.document as { nodes: unknown }).nodes, mlp.nodes);
  // Its values load into a model built from the document it carries.
  const again = await client.call('openDocument', { document: read.document });
  await client.call('forward', { docId: again.docId, maxValues: 0 });
  const loaded = await client.call('loadParameters', { docId: again.docId, path: read.parametersFile! });
  assert.ok(loaded.entries.every((e) => e.status === 'loaded'));
  assert.equal((await client.call('parameterValues', { docId: again.docId, name: 'dense0_bias' })).stats.mean, 3);
  // A .safetensors of plain arrays carries no document: it is not a model file.
  const plain = path.join(dir, 'plain.safetensors');
  await client.call('saveArrays', { path: plain, arrays: { x: { shape: [1], data: [1] } } });
  const refused = await errorOf(client.call('readDocumentFile', { path: plain }));
  assert.equal(refused.code, 'E_NOT_A_DOCUMENT');
  assert.match(refused.message, /plain\.safetensors does not open as a model: .*carries no graph document/);
});
