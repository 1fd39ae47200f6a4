// A code block's source as the engine uses it: TypeScript stripped of types by esbuild (a runtime
// dependency through tsx; no type check), loaded once into the sandbox, asked for its parameter
// declarations, for a parameter's shape given the input shapes, and to run forward on engine
// arrays. Every failure becomes a CodeError naming the node and the line of the user's source.

import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { SourceMap, type SourceMapPayload } from 'node:module';
import type { NDArray } from '../ndarray/ndarray.ts';
import { CallTable } from './engine-api.ts';
import { sandbox, SandboxFailure } from './sandbox.ts';
import { requireTrust } from './trust.ts';
import { CodeError } from './code-error.ts';

export { CodeError } from './code-error.ts';

export interface ParamDeclaration {
  name: string;
  /** Null: a function of the input shapes (known at the first batch). */
  shape: number[] | null;
  init: string | [string, Record<string, unknown>] | null;
  constant: boolean;
  /** A constant whose value the code makes (`value: () => np.random.uniform(0, 1, [20, 20])`), drawn per block. */
  value: boolean;
  gradReq: 'write' | 'add' | 'null' | null;
}

interface Esbuild {
  transformSync(src: string, o: Record<string, unknown>): { code: string; map: string };
}
let esbuild: Esbuild | null = null;
const loadEsbuild = (): Esbuild => (esbuild ??= createRequire(import.meta.url)('esbuild') as Esbuild);

const FILE = 'code.js';

export class CodeModule {
  readonly id: string;
  private readonly js: string;
  private readonly map: SourceMap;
  private declarations: ParamDeclaration[] | null = null;

  private constructor(
    readonly source: string,
    js: string,
    map: SourceMapPayload,
  ) {
    this.id = createHash('sha256').update(source).digest('hex').slice(0, 16);
    this.js = js;
    this.map = new SourceMap(map);
  }

  /** Strips the types; a syntax error names the line. */
  static compile(source: string, node: string): CodeModule {
    try {
      const out = loadEsbuild().transformSync(source, {
        loader: 'ts',
        format: 'cjs',
        sourcemap: 'external',
        sourcefile: 'code.ts',
        target: 'es2022',
        banner: '"use strict";',
      });
      return new CodeModule(source, out.code, JSON.parse(out.map) as SourceMapPayload);
    } catch (e) {
      const first = (e as { errors?: { text: string; location?: { line: number } }[] }).errors?.[0];
      if (first) throw new CodeError('E_CODE_SYNTAX', node, first.location?.line ?? null, first.text);
      throw e;
    }
  }

  /** The line in the user's source of the innermost frame of the code in a stack. */
  lineOf(stack: string): number | null {
    const m = new RegExp(`${FILE.replace('.', '\\.')}:(\\d+):(\\d+)`).exec(stack);
    if (!m) return null;
    const entry = this.map.findEntry(Number(m[1]) - 1, Number(m[2]) - 1) as { originalLine?: number };
    return entry.originalLine === undefined ? null : entry.originalLine + 1;
  }

  private run(node: string, req: Record<string, unknown>, table?: CallTable): unknown {
    requireTrust(node, this.source);
    try {
      return sandbox().call({ ...req, id: this.id } as never, this.js, table);
    } catch (e) {
      if (!(e instanceof SandboxFailure)) throw e;
      const code = e.code === 'timeout' ? 'E_CODE_TIMEOUT' : e.code === 'stopped' ? 'E_CODE_STOPPED' : 'E_CODE_EXCEPTION';
      throw new CodeError(code, node, this.lineOf(e.stack_), e.message);
    }
  }

  /** The parameters the code declares (`export const params = { weight: { shape, init } }`). */
  params(node: string): ParamDeclaration[] {
    if (!this.declarations) {
      const d = this.run(node, { type: 'describe' }) as Record<string, Omit<ParamDeclaration, 'name'>>;
      this.declarations = Object.entries(d).map(([name, p]) => ({ name, ...p }));
    }
    return this.declarations;
  }

  /** A parameter's shape from the input shapes (-1 where unknown). */
  paramShape(node: string, param: string, inputs: readonly (readonly number[])[]): number[] {
    const fixed = this.params(node).find((p) => p.name === param)?.shape;
    return fixed ?? (this.run(node, { type: 'shape', param, inputs }) as number[]);
  }

  /** A constant's value, made by the code's `value()` (at construction, as Gluon's get_constant). */
  value(node: string, param: string): NDArray {
    const table = new CallTable(sandbox().limits.elements);
    const [h] = this.run(node, { type: 'value', param }, table) as number[];
    return table.arrays[h!]!;
  }

  /** Runs forward: the outputs are engine arrays made by the code's calls (recorded by autograd as usual). */
  forward(node: string, inputs: readonly NDArray[], params: ReadonlyMap<string, NDArray>, tracer: CallTable['tracer'] = null): NDArray[] {
    const table = new CallTable(sandbox().limits.elements);
    table.tracer = tracer;
    const handles = inputs.map((x) => table.add(x));
    const p: Record<string, unknown> = {};
    for (const [name, x] of params) p[name] = { ...table.add(x), name: `${node}_${name}` };
    const out = this.run(node, { type: 'forward', name: node, inputs: handles, params: p }, table) as number[];
    return out.map((h) => table.arrays[h]!);
  }
}

const cache = new Map<string, CodeModule>();
/** The compiled module of a source (compiled once per engine process). */
export function codeModule(source: string, node: string): CodeModule {
  let m = cache.get(source);
  if (!m) {
    m = CodeModule.compile(source, node);
    if (cache.size > 256) cache.clear();
    cache.set(source, m);
  }
  return m;
}
