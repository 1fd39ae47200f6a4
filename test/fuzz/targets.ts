// The fuzz targets: the array-file readers, the document validator (parse, validate, shapes) and
// the web host's socket. Each returns how many inputs it tried and the failures it saw: an
// uncoded error, a crash, an input that took over 5 s, or memory over 2 GB. Used by the bounded
// CI run (test/service/fuzz.test.ts) and the long run for people (npm run fuzz, test/fuzz/run.ts).
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { decodeArrayFile, encodeArrayFile } from '../../engine/io/array-file.ts';
import { IoError } from '../../engine/io/io-error.ts';
import type { HostTensor } from '../../engine/io/host-tensor.ts';
import { exampleNames, inferShapes, loadExample, parseDocument } from '../../engine/graph/index.ts';
import { mutateBytes, mutateJson, pick, randomJson, rng } from './mutate.ts';

export interface FuzzResult {
  target: string;
  tried: number;
  failures: string[];
}

export const HANG_MS = 5000;
export const MEMORY_LIMIT = 2 * 2 ** 30;
const MAX_FAILURES = 10;

const t32: HostTensor = { dtype: 'float32', shape: [3, 4], data: Float32Array.from({ length: 12 }, (_, i) => i / 3) };
const t64: HostTensor = { dtype: 'int64', shape: [2], data: BigInt64Array.from([1n, -2n]) };

/** Small valid files of every format: where the mutations start. */
function readerSeeds(): [string, Uint8Array][] {
  return [
    ['a.npy', encodeArrayFile('a.npy', t32)],
    ['a.npz', encodeArrayFile('a.npz', { w: t32, b: t64 })],
    ['c.npz', encodeArrayFile('c.npz', { w: t32, b: t64 }, { compress: true })],
    ['a.params', encodeArrayFile('a.params', { arg_w: t32, aux_b: t64 })],
    ['l.params', encodeArrayFile('l.params', [t32, t64])],
    ['a.safetensors', encodeArrayFile('a.safetensors', { w: t32, b: t64 }, { metadata: { k: 'v' } })],
  ];
}

function memoryFailure(): string | null {
  const rss = process.memoryUsage().rss;
  return rss > MEMORY_LIMIT ? `memory ${rss} bytes is over 2 GB` : null;
}

/** `count` mutated array files through decodeArrayFile: each must decode or throw an IoError. */
export function fuzzReaders(seed: number, count: number): FuzzResult {
  const r = rng(seed);
  const seeds = readerSeeds();
  const failures: string[] = [];
  let tried = 0;
  for (; tried < count && failures.length < MAX_FAILURES; tried++) {
    const [name, bytes] = pick(r, seeds);
    const input = mutateBytes(r, bytes);
    const started = performance.now();
    try {
      decodeArrayFile(input, name, { maxBytes: 64 * 2 ** 20 });
    } catch (e) {
      if (!(e instanceof IoError))
        failures.push(`${name} (seed ${seed}, input ${tried}): uncoded ${String(e)}; bytes ${Buffer.from(input).toString('base64')}`);
    }
    if (performance.now() - started > HANG_MS) failures.push(`${name} (seed ${seed}, input ${tried}): took over ${HANG_MS} ms`);
    if (tried % 100 === 0) {
      const m = memoryFailure();
      if (m) failures.push(m);
    }
  }
  return { target: 'readers', tried, failures };
}

function documentSeeds(): unknown[] {
  return exampleNames().map((n) => loadExample(n));
}

/** `count` mutated documents through parseDocument and inferShapes: problems, never a throw. */
export function fuzzValidator(seed: number, count: number): FuzzResult {
  const r = rng(seed);
  const seeds = documentSeeds();
  const failures: string[] = [];
  let tried = 0;
  for (; tried < count && failures.length < MAX_FAILURES; tried++) {
    const doc = r() < 0.05 ? randomJson(r) : mutateJson(r, pick(r, seeds));
    const started = performance.now();
    try {
      const { document } = parseDocument(doc);
      if (document) inferShapes(document);
    } catch (e) {
      failures.push(`document (seed ${seed}, input ${tried}): ${String(e)}; ${JSON.stringify(doc).slice(0, 2000)}`);
    }
    if (performance.now() - started > HANG_MS) failures.push(`document (seed ${seed}, input ${tried}): took over ${HANG_MS} ms`);
    if (tried % 100 === 0) {
      const m = memoryFailure();
      if (m) failures.push(m);
    }
  }
  return { target: 'validator', tried, failures };
}

/** Methods that touch no files and stay cheap whatever their params: the socket fuzz calls these. */
const SAFE_METHODS = [
  'ping',
  'listDevices',
  'validate',
  'inferShapes',
  'openDocument',
  'closeDocument',
  'layerCatalog',
  'exampleNames',
  'loadExample',
  'parameterTable',
  'trainingStatus',
  'pauseTraining',
  'nope',
];

/** The engine process's resident memory (Linux), or null where /proc is not there. */
function engineRss(pid: number | null): number | null {
  if (pid === null) return null;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/**
 * `count` messages over one authenticated socket: mutated requests of cheap methods, broken JSON
 * and random envelopes. Each request must be answered within 5 s with a result or an error code
 * other than E_INTERNAL; the socket may be closed for a broken envelope (then a new one opens).
 */
export async function fuzzSocket(seed: number, count: number, target: { apiUrl: string; token: string; enginePid(): number | null }): Promise<FuzzResult> {
  const r = rng(seed);
  const failures: string[] = [];
  const docs = documentSeeds();
  let socket: { ws: WebSocket; answers: Map<number, (text: string) => void>; closed: boolean } | null = null;
  const open = async () => {
    const ws = new WebSocket(target.apiUrl);
    const state = { ws, answers: new Map<number, (text: string) => void>(), closed: false };
    ws.on('error', () => undefined);
    ws.on('close', () => {
      state.closed = true;
      for (const done of state.answers.values()) done('closed');
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('close', () => reject(new Error('the socket closed before it opened')));
    });
    const welcome = new Promise<void>((resolve) => ws.once('message', () => resolve()));
    ws.send(JSON.stringify({ type: 'hello', token: target.token }));
    await welcome;
    ws.on('message', (data) => {
      const text = String(data);
      const id = (JSON.parse(text) as { id?: number }).id;
      if (typeof id === 'number') state.answers.get(id)?.(text);
    });
    return state;
  };
  let tried = 0;
  for (; tried < count && failures.length < MAX_FAILURES; tried++) {
    if (!socket || socket.closed) socket = await open();
    const id = tried;
    const method = pick(r, SAFE_METHODS);
    const roll = r();
    let text: string;
    if (roll < 0.1) text = Buffer.from(mutateBytes(r, Buffer.from(JSON.stringify({ type: 'request', id, method, params: {} })))).toString('latin1');
    else if (roll < 0.2) text = JSON.stringify(mutateJson(r, { type: 'request', id, method, params: {} }));
    else {
      const base = { docId: pick(r, ['doc0', 'fuzz', 'x']), document: pick(r, docs), name: pick(r, ['mlp', 'rgnet', 'nope']), runId: 'run1' };
      text = JSON.stringify({ type: 'request', id, method, params: r() < 0.3 ? randomJson(r) : mutateJson(r, base) });
    }
    const current = socket;
    const answered = new Promise<string>((resolve) => current.answers.set(id, resolve));
    const started = performance.now();
    current.ws.send(text);
    // A request that is not a valid envelope may get no answer (the socket closes instead).
    const timeout = new Promise<string>((resolve) => setTimeout(() => resolve('timeout'), HANG_MS).unref());
    const answer = await Promise.race([answered, timeout]);
    current.answers.delete(id);
    let envelopeOk = false;
    try {
      const m = JSON.parse(text) as { type?: unknown; id?: unknown };
      envelopeOk = m?.type === 'request' && m.id === id;
    } catch {
      /* broken JSON */
    }
    if (answer === 'timeout' && envelopeOk && !current.closed)
      failures.push(`socket (seed ${seed}, input ${tried}): no answer within ${HANG_MS} ms (${performance.now() - started} ms) to ${text.slice(0, 500)}`);
    if (answer !== 'timeout' && answer !== 'closed' && /"code":"E_INTERNAL"/.test(answer))
      failures.push(`socket (seed ${seed}, input ${tried}): E_INTERNAL for ${text.slice(0, 500)}: ${answer.slice(0, 500)}`);
    if (tried % 50 === 0) {
      const rss = engineRss(target.enginePid());
      if (rss !== null && rss > MEMORY_LIMIT) failures.push(`the engine's memory ${rss} bytes is over 2 GB`);
      const m = memoryFailure();
      if (m) failures.push(m);
    }
  }
  socket?.ws.close();
  return { target: 'socket', tried, failures };
}
