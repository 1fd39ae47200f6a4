// The sandbox worker's program, as a string run with `new Worker(src, { eval: true })` so the engine
// bundle needs no extra file. The worker owns one vm context per code block source; code in a
// context sees only values made inside it (the prelude below builds np, npx and array wrappers out
// of one hidden `bridge(string) → string` function), so no object of the worker's realm, whose
// Function could compile code that reaches `process`, is ever reachable. Every engine operation
// goes to the engine thread as JSON through a SharedArrayBuffer (sandbox.ts); see docs/code-blocks.md.

/** Runs in each fresh context; evaluates to `(bridge, methods, np, npx) => void`. */
const PRELUDE = String.raw`(function (bridge, names) {
  'use strict';
  const G = globalThis;
  const { methods: methodNames, np: npNames, npRandom, npx: npxNames } = JSON.parse(names);
  // No way to make memory outside the V8 heap (the worker's heap limit covers the rest), no threads.
  for (const k of ['SharedArrayBuffer', 'Atomics', 'WebAssembly', 'ArrayBuffer', 'DataView', 'Int8Array', 'Uint8Array',
    'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array',
    'BigInt64Array', 'BigUint64Array', 'FinalizationRegistry', 'WeakRef', 'eval']) delete G[k];
  // Node asks the context's Error.prepareStackTrace to format stacks, with call sites whose
  // getFunction()/getThis() could hand out outer frames' functions: pin it to undefined.
  Object.defineProperty(Error, 'prepareStackTrace', { value: undefined, writable: false, configurable: false });
  const handles = new WeakMap();
  const freeze = Object.freeze;
  const call = (msg) => {
    let reply;
    try { reply = bridge(JSON.stringify(msg)); } catch (e) { throw new Error('the engine call failed'); }
    const r = JSON.parse(reply);
    if (r.error !== undefined) throw new Error(String(r.error));
    return decode(r.value);
  };
  const encode = (v, depth) => {
    if (depth > 8) throw new TypeError('arguments nest too deeply');
    if (v === null || v === undefined || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v === undefined ? { $u: 1 } : v;
    if (handles.has(v)) return { $nd: handles.get(v).h };
    if (Array.isArray(v)) return v.map((x) => encode(x, depth + 1));
    if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      const o = {};
      for (const k of Object.keys(v)) o[k] = encode(v[k], depth + 1);
      return o;
    }
    throw new TypeError('an engine function takes arrays, numbers, strings, booleans and plain objects, got ' + typeof v);
  };
  const decode = (v) => {
    if (Array.isArray(v)) return v.map(decode);
    if (v !== null && typeof v === 'object' && '$nd' in v) return wrap(v);
    return v;
  };
  class NDArray {
    constructor() { throw new TypeError('arrays come from np / npx functions'); }
    get shape() { return handles.get(this).shape.slice(); }
    get ndim() { return handles.get(this).shape.length; }
    get size() { return handles.get(this).shape.reduce((a, b) => a * b, 1); }
    get dtype() { return handles.get(this).dtype; }
    get T() { return call({ op: 'get', name: 'T', target: handles.get(this).h, args: [] }); }
    toString() { return 'NDArray' + JSON.stringify(handles.get(this).shape); }
  }
  for (const name of methodNames) {
    Object.defineProperty(NDArray.prototype, name, { value: { [name](...args) {
      return call({ op: 'method', name, target: handles.get(this).h, args: encode(args, 0) });
    } }[name] });
  }
  const wrap = (v) => {
    const x = Object.create(NDArray.prototype);
    handles.set(x, { h: v.$nd, shape: freeze(v.shape), dtype: v.dtype });
    return freeze(x);
  };
  const namespace = (op, names) => {
    const o = Object.create(null);
    for (const name of names) o[name] = { [name](...args) { return call({ op, name, args: encode(args, 0) }); } }[name];
    return o;
  };
  const np = namespace('np', npNames);
  np.random = freeze(namespace('np.random', npRandom));
  np.ndarray = NDArray;
  const npx = namespace('npx', npxNames);
  G.np = np; G.npx = npx; G.exports = {}; G.module = { exports: G.exports };
  // Freeze the context's intrinsics, so code cannot change them under the next call either.
  const seen = new Set([G]);
  const deepFreeze = (v) => {
    if ((typeof v !== 'object' && typeof v !== 'function') || v === null || seen.has(v)) return;
    seen.add(v);
    freeze(v);
    for (const k of Reflect.ownKeys(v)) {
      const d = Object.getOwnPropertyDescriptor(v, k);
      if (d && 'value' in d) deepFreeze(d.value);
    }
    deepFreeze(Object.getPrototypeOf(v));
  };
  for (const k of Reflect.ownKeys(G)) {
    if (k === 'exports' || k === 'module') continue;
    deepFreeze(G[k]);
    // Pinned too: Node formats stacks with globalThis.Error.prepareStackTrace, so Error must stay ours.
    Object.defineProperty(G, k, { value: G[k], writable: false, configurable: false });
  }
  const isArray = (v) => handles.has(v);
  const shapeOf = (s) => {
    if (!Array.isArray(s) || !s.every((d) => Number.isInteger(d) && d >= -1)) throw new TypeError('a shape is a list of integers (-1 for unknown), got ' + String(s));
    return s.slice();
  };
  const declared = () => {
    const p = G.module.exports.params;
    return p === undefined || p === null ? {} : p;
  };
  const run = (req) => {
    const ex = G.module.exports;
    if (req.type === 'describe') {
      if (typeof ex.forward !== 'function') throw new TypeError('the code must export function forward(self, ...inputs)');
      const out = {};
      for (const [name, d] of Object.entries(declared())) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new TypeError('parameter names are identifiers, got ' + name);
        const fn = typeof d.shape === 'function';
        const value = typeof d.value === 'function';
        if (value && fn) throw new TypeError('parameter ' + name + ' has a value, so its shape must be given as a list');
        out[name] = { shape: fn ? null : shapeOf(d.shape), init: d.init === undefined ? null : JSON.parse(JSON.stringify(d.init)),
          constant: d.constant === true || value, value, gradReq: d.gradReq === undefined ? null : String(d.gradReq) };
      }
      return out;
    }
    if (req.type === 'value') {
      const v = declared()[req.param].value();
      if (!isArray(v)) throw new TypeError('the value of parameter ' + req.param + ' must be an NDArray made with np');
      return [handles.get(v).h];
    }
    if (req.type === 'shape') return shapeOf(declared()[req.param].shape(...req.inputs.map((s) => freeze(s.slice()))));
    const self = Object.create(null);
    for (const [name, v] of Object.entries(req.params)) {
      const data = wrap(v);
      self[name] = freeze({ name: v.name, shape: v.shape.slice(), data: () => data });
    }
    self.name = req.name;
    const y = ex.forward(freeze(self), ...req.inputs.map(wrap));
    const outs = Array.isArray(y) ? y : [y];
    if (!outs.every(isArray)) throw new TypeError('forward must return an NDArray (or a list of them), got ' + (y === null ? 'null' : typeof y));
    return outs.map((o) => handles.get(o).h);
  };
  Object.defineProperty(G, '__entry', { enumerable: false, writable: false, configurable: false, value: () => {
    try {
      return JSON.stringify({ value: run(call({ op: 'request' })) });
    } catch (e) {
      let message = 'error', stack = '';
      try { message = e !== null && typeof e === 'object' && 'message' in e ? String(e.message) : String(e); } catch (_) { /* keep */ }
      try { stack = e !== null && typeof e === 'object' ? String(e.stack) : ''; } catch (_) { /* keep */ }
      return JSON.stringify({ error: { message, stack } });
    }
  } });
})`;

export const WORKER_SOURCE = String.raw`'use strict';
const { workerData } = require('node:worker_threads');
const vm = require('node:vm');
const ctrl = new Int32Array(workerData.sab, 0, 2);
const bytes = new Uint8Array(workerData.sab, 8);
const enc = new TextEncoder();
const dec = new TextDecoder();
const TO_WORKER = 1, TO_MAIN = 2;
const post = (obj) => {
  let b = enc.encode(JSON.stringify(obj));
  if (b.length > bytes.length) b = enc.encode(JSON.stringify({ error: { message: 'a sandbox message is larger than ' + bytes.length + ' bytes' } }));
  bytes.set(b);
  Atomics.store(ctrl, 1, b.length);
  Atomics.store(ctrl, 0, TO_MAIN);
  Atomics.notify(ctrl, 0);
};
const take = () => {
  for (;;) { const s = Atomics.load(ctrl, 0); if (s === TO_WORKER) break; Atomics.wait(ctrl, 0, s); }
  return dec.decode(bytes.slice(0, Atomics.load(ctrl, 1)));
};
const modules = new Map();
const entry = new vm.Script('__entry()', { filename: 'entry' });
const prelude = new vm.Script(${JSON.stringify(PRELUDE)}, { filename: 'prelude' });
let request = null;
// The one function of this realm that code can reach, and only through the prelude's closure:
// strings in, strings out, never throws.
const bridge = (s) => {
  try {
    if (typeof s !== 'string') return '{"error":"bad request"}';
    if (s === '{"op":"request"}') return JSON.stringify({ value: request });
    post({ op: JSON.parse(s) });
    return take();
  } catch (e) { return '{"error":"the engine call failed"}'; }
};
const context = (m, limits) => {
  if (m.ctx) return m.ctx;
  const ctx = vm.createContext(Object.create(null), { name: 'code block', codeGeneration: { strings: false, wasm: false }, microtaskMode: 'afterEvaluate' });
  prelude.runInContext(ctx)(bridge, workerData.names);
  new vm.Script(m.js, { filename: 'code.js' }).runInContext(ctx, { timeout: limits.timeMs });
  m.ctx = ctx;
  return ctx;
};
post({ ready: true });
for (;;) {
  const msg = JSON.parse(take());
  try {
    if (msg.type === 'load') { modules.set(msg.id, { js: msg.js, ctx: null }); msg.type = msg.then; delete msg.js; }
    const m = modules.get(msg.id);
    if (!m) { post({ error: { message: 'no such module', code: 'lost' } }); continue; }
    request = msg;
    const ctx = context(m, msg.limits);
    post({ done: JSON.parse(entry.runInContext(ctx, { timeout: msg.limits.timeMs })) });
  } catch (e) {
    const timeout = e && e.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT';
    if (m0(msg)) modules.get(msg.id).ctx = null;
    post({ error: { message: timeout ? 'timeout' : String(e && e.message), stack: String(e && e.stack), code: timeout ? 'timeout' : 'load' } });
  }
  request = null;
}
function m0(msg) { return modules.has(msg.id); }
`;
