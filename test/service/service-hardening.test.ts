// Issue 12 through a real engine process: the documents of items 2, 3 and 5 get coded answers
// and leave the engine answering; readDocumentFile refuses a FIFO and /dev/zero (item 9); error
// messages carry no file contents and overwriting is explicit (item 11); and with an allow-list
// (serve --allow-dir) no path outside the chosen folders is read or written.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EngineHost } from '../../engine/service/engine-host.ts';
import { forkLauncher } from '../../engine/service/fork-launcher.ts';
import { ServiceClient } from '../../engine/protocol/service-client.ts';
import { chainDocument } from '../engine/support/chain-document.ts';
import { connectedHost, errorOf, within } from './service-helpers.ts';

const { client } = connectedHost();
let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'blocksmith-harden-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const chain = (_ids: string[], extra: Record<string, unknown>[]) => {
  const nodes = [{ id: 'in', kind: 'Input', name: 'data' }, ...extra, { id: 'out', kind: 'Output', name: 'output' }];
  return {
    nodes,
    edges: nodes
      .slice(1)
      .map((n, i) => ({ id: `e${i}`, source: { node: nodes[i]!.id, port: 'output' }, target: { node: (n as { id: string }).id, port: 'data' } })),
  };
};

describe('documents that used to exhaust the engine', () => {
  test('Dense units 2e9: openDocument reports E_MEMORY_BUDGET, forward refuses it, the engine still answers', async () => {
    const doc = chainDocument(
      [
        { kind: 'Dense', name: 'dense0', attrs: { units: 2_000_000_000 } },
        { kind: 'Dense', name: 'dense1', attrs: { units: 10 } },
      ],
      [2, 20],
    );
    const opened = await client().call('openDocument', { docId: 'huge', document: doc });
    assert.equal(opened.ok, false);
    assert.ok(
      opened.problems.some((p) => p.code === 'E_MEMORY_BUDGET' && /62,000,000,010 parameters/.test(p.message)),
      JSON.stringify(opened.problems),
    );
    const e = await errorOf(within(20000, client().call('forward', { docId: 'huge' }), 'forward'));
    assert.notEqual(e.code, 'E_INTERNAL');
    assert.match(e.message, /memory budget/);
    assert.equal(typeof (await within(5000, client().call('ping', {}), 'ping')).pid, 'number');
  });

  test('Repeat(1024) inside Repeat(1024): validation refuses it with the count; forward is answered, not hung', async () => {
    const inner = chain([], [{ id: 'd', kind: 'Dense', name: 'd', attrs: { units: 4 } }]);
    const outer = chain([], [{ id: 'r', kind: 'Repeat', name: 'inner', block: 'inner', count: 1024 }]);
    const main = chain([], [{ id: 'r', kind: 'Repeat', name: 'outer', block: 'outer', count: 1024 }]);
    const doc = {
      format: 'blocksmith.graph',
      version: 2,
      input: { shape: [2, 8], dtype: 'float32' },
      device: 'cpu',
      seed: 0,
      nodes: main.nodes,
      edges: main.edges,
      blocks: [
        { id: 'outer', nodes: outer.nodes, edges: outer.edges },
        { id: 'inner', nodes: inner.nodes, edges: inner.edges },
      ],
    };
    const v = await client().call('validate', { document: doc });
    assert.ok(
      v.problems.some((p) => p.code === 'E_EXPANSION_LIMIT' && /1,048,576/.test(p.message)),
      JSON.stringify(v.problems),
    );
    await client().call('openDocument', { docId: 'bomb', document: doc });
    const e = await errorOf(within(10000, client().call('forward', { docId: 'bomb' }), 'forward'));
    assert.equal(e.code, 'E_INVALID_DOCUMENT');
    assert.equal(typeof (await within(5000, client().call('ping', {}), 'ping')).pid, 'number');
  });

  test('block definitions nested 1,500 deep: forward is a coded refusal, not E_INTERNAL', async () => {
    const blocks = Array.from({ length: 1500 }, (_, i) => ({
      id: `b${i}`,
      ...chain(
        [],
        [i === 1499 ? { id: 'd', kind: 'Dense', name: 'd', attrs: { units: 4 } } : { id: 'u', kind: 'BlockInstance', name: `u${i}`, block: `b${i + 1}` }],
      ),
    }));
    const main = chain([], [{ id: 'top', kind: 'BlockInstance', name: 'top', block: 'b0' }]);
    const doc = {
      format: 'blocksmith.graph',
      version: 2,
      input: { shape: [2, 8], dtype: 'float32' },
      device: 'cpu',
      seed: 0,
      nodes: main.nodes,
      edges: main.edges,
      blocks,
    };
    await client().call('openDocument', { docId: 'deep', document: doc });
    const e = await errorOf(within(20000, client().call('forward', { docId: 'deep' }), 'forward'));
    assert.equal(e.code, 'E_INVALID_DOCUMENT');
    assert.match(e.message, /E_NESTING_DEPTH/);
    const shapes = await client().call('inferShapes', { docId: 'deep' });
    assert.ok(
      shapes.problems.some((p) => p.code === 'E_NESTING_DEPTH'),
      'inferShapes says why',
    );
  });
});

test('a forward that fails on a freshly built model keeps nothing: the model is released (item 2)', async () => {
  // Valid structure, but Concat gets (2, 3) and (2, 4) on axis 0: it fails after dense0 allocated.
  const nodes = [
    { id: 'in', kind: 'Input', name: 'data' },
    { id: 'd', kind: 'Dense', name: 'dense0', attrs: { units: 3 } },
    { id: 'c', kind: 'Concat', name: 'concat0', attrs: { axis: 0 } },
    { id: 'out', kind: 'Output', name: 'output' },
  ];
  const edge = (id: string, a: string, b: string) => ({ id, source: { node: a, port: 'output' }, target: { node: b, port: 'data' } });
  const doc = {
    format: 'blocksmith.graph',
    version: 2,
    input: { shape: [2, 4], dtype: 'float32' },
    device: 'cpu',
    seed: 0,
    nodes,
    edges: [edge('e0', 'in', 'd'), edge('e1', 'd', 'c'), edge('e2', 'in', 'c'), edge('e3', 'c', 'out')],
    blocks: [],
  };
  await client().call('openDocument', { docId: 'fails', document: doc });
  const e = await errorOf(client().call('forward', { docId: 'fails' }));
  assert.notEqual(e.code, 'E_INTERNAL', e.message);
  assert.equal((await errorOf(client().call('parameterTable', { docId: 'fails' }))).code, 'E_NO_MODEL');
});

describe('files', () => {
  test('readDocumentFile refuses a FIFO and /dev/zero at once (item 9)', async (t) => {
    const fifo = path.join(dir, 'pipe.json');
    if (spawnSync('mkfifo', [fifo]).status !== 0) return t.skip('mkfifo is not available');
    for (const p of [fifo, fifo, fifo, fifo, '/dev/zero']) {
      const e = await errorOf(within(5000, client().call('readDocumentFile', { path: p }), 'read'));
      assert.equal(e.code, 'E_FILE_NOT_REGULAR');
    }
    assert.equal(typeof (await within(5000, client().call('ping', {}), 'ping')).pid, 'number');
  });

  test("E_NOT_JSON names the place, never the file's text (item 11)", async () => {
    const secret = path.join(dir, 'secret.txt');
    await writeFile(secret, 'hunter2-very-secret token=abc\n');
    const e = await errorOf(client().call('readDocumentFile', { path: secret }));
    assert.equal(e.code, 'E_NOT_JSON');
    assert.doesNotMatch(e.message, /hunter|secret token|abc/);
    assert.match(e.message, /secret\.txt is not JSON/);
  });

  test('writeDocumentFile replaces a file only with overwrite: true (item 11)', async () => {
    const file = path.join(dir, 'keep.json');
    await writeFile(file, 'precious');
    const doc = chainDocument([{ kind: 'Dense', name: 'dense0', attrs: { units: 4 } }], [2, 8]);
    assert.equal((await errorOf(client().call('writeDocumentFile', { path: file, document: doc }))).code, 'E_FILE_EXISTS');
    assert.equal(await readFile(file, 'utf8'), 'precious');
    await client().call('writeDocumentFile', { path: file, document: doc, overwrite: true });
    assert.match(await readFile(file, 'utf8'), /blocksmith.graph/);
  });
});

describe('serve --allow-dir: file access limited to chosen folders', () => {
  let host: EngineHost;
  let limited: ServiceClient;
  let allowed: string;
  before(async () => {
    allowed = path.join(dir, 'allowed');
    await mkdir(allowed);
    host = new EngineHost(forkLauncher({ echoStderr: false, env: { BLOCKSMITH_ALLOWED_DIRS: allowed } }));
    await host.start();
    limited = new ServiceClient(host.connect());
  });
  after(async () => {
    await host.close();
  });

  test('paths inside are served; outside, ../ escapes and symlinks out are refused', async () => {
    const doc = chainDocument([{ kind: 'Dense', name: 'dense0', attrs: { units: 4 } }], [2, 8]);
    await limited.call('writeDocumentFile', { path: path.join(allowed, 'a.json'), document: doc });
    assert.equal((await limited.call('readDocumentFile', { path: path.join(allowed, 'a.json') })).path, path.join(allowed, 'a.json'));
    await symlink('/etc', path.join(allowed, 'out'));
    for (const p of ['/etc/hostname', path.join(allowed, '..', 'x.json'), path.join(allowed, 'out', 'hostname')]) {
      const e = await errorOf(limited.call('readDocumentFile', { path: p }));
      assert.equal(e.code, 'E_PATH_NOT_ALLOWED', p);
    }
    assert.equal((await errorOf(limited.call('inspectDataFile', { path: '/etc/passwd', kind: 'csv' }))).code, 'E_PATH_NOT_ALLOWED');
    assert.equal((await errorOf(limited.call('writeDocumentFile', { path: path.join(dir, 'escape.json'), document: doc }))).code, 'E_PATH_NOT_ALLOWED');
  });
});
