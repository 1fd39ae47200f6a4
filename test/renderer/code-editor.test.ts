// The editor's side of code blocks against a real engine (web host + engine process): a document
// with code opened in the store starts restricted, the engine session sends it without trust, the
// engine's answer lists the code for the prompt and shape inference says why nothing ran; after
// agreeing the same document is sent with trust and its shapes come back. A new Code node added to
// a new document is the person's own: it runs at once. Also the code editor's pure parts: the
// completion for np / npx / self (the sandbox's allowlist, the declared parameters) and the line
// an engine problem names; the engine's type errors (checkCode) marked on their line and column.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CompletionContext } from '@codemirror/autocomplete';
import { EditorState, Text } from '@codemirror/state';
import type { GraphDocument } from '../../engine/protocol/graph-document.ts';
import { CODE_NP, CODE_NPX } from '../../engine/protocol/code-api.ts';
import { EngineSession } from '../../renderer/services/engine-session.ts';
import { codeCompletions, declaredParams } from '../../renderer/code/code-completion.ts';
import { problemDiagnostics, problemLine, typeDiagnostics } from '../../renderer/code/code-diagnostics.ts';
import { createEditorStore } from '../../renderer/store/editor-store.ts';
import { connectedHost } from '../service/service-helpers.ts';

const engine = connectedHost();

const SOURCE = `// Tripler: code from someone else (${process.pid}-${Date.now()}).
export function forward(self: Self, x: NDArray): NDArray {
  return x.mul(3);
}
`;

const doc = (source: string | null): GraphDocument =>
  ({
    format: 'blocksmith.graph',
    version: 2,
    title: 'code',
    input: { shape: [2, 3], dtype: 'float32' },
    device: 'cpu',
    seed: 0,
    blocks: [],
    nodes: [
      { id: 'in', kind: 'Input', name: 'data' },
      { id: 'c', kind: 'Code', name: 'tripler0', ...(source === null ? {} : { attrs: { source } }) },
      { id: 'out', kind: 'Output', name: 'output' },
    ],
    edges: [
      { id: 'e1', source: { node: 'in', port: 'output' }, target: { node: 'c', port: 'data' } },
      { id: 'e2', source: { node: 'c', port: 'output' }, target: { node: 'out', port: 'data' } },
    ],
  }) as GraphDocument;

const outputShape = (s: ReturnType<ReturnType<typeof createEditorStore>['getState']>) => s.shapes?.edges.e2?.shape ?? null;

test('a document with code opens restricted: sent without trust, listed for the prompt, no shapes until agreed', { timeout: 60_000 }, async () => {
  const store = createEditorStore();
  const session = new EngineSession(store, engine.client());
  await session.start();
  store.getState().replaceDocument(doc(SOURCE), 'tripler.json');
  assert.equal(store.getState().codeTrust, 'restricted');
  await session.flush();
  const state = store.getState();
  assert.deepEqual(
    state.codeReview?.map((c) => [c.name, c.source, c.trusted]),
    [['tripler0', SOURCE, false]],
  );
  assert.equal(state.codePromptOpen, true);
  assert.equal(outputShape(state), null, 'no shape leaves the code block');
  assert.ok(
    state.problems.some((p) => p.nodeId === 'c' && /E_CODE_UNTRUSTED/.test(p.message)),
    JSON.stringify(state.problems),
  );

  // "Keep restricted" closes the prompt; the next edit does not open it again, and still runs nothing.
  state.setCodeTrust({ codePromptOpen: false });
  store.getState().commit({ ...store.getState().document, title: 'code, edited' });
  await session.flush();
  assert.equal(store.getState().codePromptOpen, false);
  assert.equal(outputShape(store.getState()), null);

  store.getState().setCodeTrust({ codeTrust: 'trusted', codeReview: null, codePromptOpen: false });
  await new Promise((r) => setTimeout(r, 20));
  await session.flush();
  assert.deepEqual(outputShape(store.getState()), [2, 3]);
  assert.equal(store.getState().problems.length, 0, JSON.stringify(store.getState().problems));
});

test('a Code node the person adds to a new document runs at once (its template is trusted with it)', { timeout: 60_000 }, async () => {
  const store = createEditorStore();
  const session = new EngineSession(store, engine.client());
  await session.start();
  store.getState().commit(doc(null));
  assert.equal(store.getState().codeTrust, 'trusted');
  await session.flush();
  assert.deepEqual(outputShape(store.getState()), [2, 3]);
  assert.equal(store.getState().codeReview, null);
});

const complete = (text: string) => {
  const state = EditorState.create({ doc: text });
  return codeCompletions(new CompletionContext(state, text.length, false));
};

test("completion offers the sandbox's np / npx names, the declared parameters after self., array methods elsewhere", () => {
  const np = complete('const y = np.do');
  assert.equal(np?.from, 'const y = np.'.length);
  assert.deepEqual(
    np?.options.map((o) => o.label).filter((l) => l !== 'random'),
    [...CODE_NP],
  );
  assert.deepEqual(
    complete('npx.re')?.options.map((o) => o.label),
    [...CODE_NPX],
  );
  assert.deepEqual(
    complete('np.random.')?.options.map((o) => o.label),
    ['uniform', 'normal'],
  );
  const source = `export const params = {
  weight: { shape: (x: number[]) => [x[x.length - 1], 8], init: ['normal', { sigma: 0.1 }] }, // a comment: not a name
  alpha: { shape: [1] },
  'quoted': { shape: [2] },
};
export function forward(self: Self, x: NDArray): NDArray {
  return x.mul(self.`;
  assert.deepEqual(declaredParams(source), ['weight', 'alpha']);
  assert.deepEqual(
    complete(source)?.options.map((o) => o.label),
    ['weight', 'alpha', 'name'],
  );
  assert.ok(complete('x.su')?.options.some((o) => o.label === 'sum'));
  assert.equal(complete('const a = 1 '), null, 'nothing after a space unless asked');
});

test('an engine problem goes on the line it names, else on the first line', () => {
  assert.equal(problemLine('code0: cannot take an input of shape (2, 16): line 3: matmul: shapes differ (E_CODE_EXCEPTION)'), 3);
  assert.equal(problemLine('E_CODE_SYNTAX in code block \'code0\' at line 12: Expected ";"'), 12);
  assert.equal(problemLine('no line here'), null);
  const text = Text.of(['a', 'bb', 'ccc']);
  const d = problemDiagnostics(text, [
    { code: 'E_SHAPE_MISMATCH', severity: 'error', message: 'line 3: boom' },
    { code: 'E_X', severity: 'warning', message: 'line 9: past the end' },
  ] as never);
  assert.deepEqual(
    d.map((x) => [x.from, x.to, x.severity]),
    [
      [5, 8, 'error'],
      [0, 1, 'warning'],
    ],
  );
});

test("the engine's type errors (checkCode) become marks on their line and column; a request without a source is refused", { timeout: 60_000 }, async () => {
  const source = `export function forward(self: Self, x: NDArray): NDArray {
  const y: number = x;
  return np.dott(x, x);
}
`;
  const { diagnostics } = await engine.client().call('checkCode', { source });
  const text = Text.of(source.split('\n'));
  const marks = typeDiagnostics(text, diagnostics);
  assert.deepEqual(
    marks.map((m) => [text.lineAt(m.from).number, source.slice(m.from, m.to)]),
    [
      [2, 'y'],
      [3, 'dott'],
    ],
  );
  assert.match(marks[1]!.message, /'dott' does not exist.*\(TS2551\)/);
  await assert.rejects(engine.client().call('checkCode', { source: 3 } as never), /source/);
});
