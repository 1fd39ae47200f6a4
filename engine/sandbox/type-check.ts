// Type errors of a code block's source, from the TypeScript compiler API, against the engine API
// the sandbox serves (code-types.ts): `np.dott(x)`, `const y: number = x`, `self.wieght`, a
// params entry whose `init` is a number. Nothing runs: checking needs no trust. One language
// service for the process (the lib files are parsed once and kept; each new source is an
// incremental update) and the answers cached per source text, so a check after a pause in typing
// costs tens of milliseconds once the service is warm.
//
// The source is checked as it is, with a few lines appended after it: `Self` as the parameters the
// source declares (so `self.weight.data()` is typed and a misspelt parameter is an error), and
// `params` assigned to the declaration type. Errors found in those lines are reported on the
// `export const params` line (the declaration they are about).
import path from 'node:path';
import ts from 'typescript';
import { codeApiDeclarations } from './code-types.ts';

export interface CodeTypeDiagnostic {
  /** 1-based line and column of the start, and of the end, in the source. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
  /** `TS2339` and so on. */
  code: string;
}

const API_FILE = '/blocksmith/engine-api.d.ts';
const BLOCK_FILE = '/blocksmith/block.ts';
const OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2022.d.ts'],
  types: [],
  skipLibCheck: true,
};
const CACHE_SIZE = 64;

const PARAMS = /^\s*export\s+const\s+params\b/m;
const OWN_SELF = /\b(?:type|interface|class)\s+Self\b/;

/** The lines checked after the source: the Self type and the params declaration's type. */
function tailOf(source: string): string {
  const lines: string[] = [];
  const params = PARAMS.test(source);
  if (!OWN_SELF.test(source)) {
    lines.push(`type Self = { readonly name: string }${params ? ' & { readonly [K in keyof typeof params]: CodeParam }' : ''};`);
  }
  if (params) lines.push('const __blocksmith_params: { readonly [name: string]: CodeParamDeclaration } = params;');
  return `\n${lines.join('\n')}\n`;
}

let text = '';
let version = 0;
let service: ts.LanguageService | null = null;
const cache = new Map<string, CodeTypeDiagnostic[]>();

function languageService(): ts.LanguageService {
  if (service) return service;
  const api = codeApiDeclarations();
  const libDir = path.dirname(ts.getDefaultLibFilePath(OPTIONS));
  const libs = new Map<string, ts.IScriptSnapshot | undefined>();
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => OPTIONS,
    getScriptFileNames: () => [API_FILE, BLOCK_FILE],
    getScriptVersion: (f) => (f === BLOCK_FILE ? String(version) : '0'),
    getScriptSnapshot: (f) => {
      if (f === BLOCK_FILE) return ts.ScriptSnapshot.fromString(text);
      if (f === API_FILE) return ts.ScriptSnapshot.fromString(api);
      if (!libs.has(f)) {
        const t = ts.sys.readFile(f);
        libs.set(f, t === undefined ? undefined : ts.ScriptSnapshot.fromString(t));
      }
      return libs.get(f);
    },
    getCurrentDirectory: () => '/blocksmith',
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: (f) => f === BLOCK_FILE || f === API_FILE || (f.startsWith(libDir) && ts.sys.fileExists(f)),
    readFile: (f) => (f === BLOCK_FILE ? text : f === API_FILE ? api : f.startsWith(libDir) ? ts.sys.readFile(f) : undefined),
  };
  service = ts.createLanguageService(host, ts.createDocumentRegistry());
  return service;
}

/** 1-based line and column of an offset. */
function place(source: string, offset: number): [number, number] {
  const before = source.slice(0, offset);
  const line = before.split('\n').length;
  return [line, offset - before.lastIndexOf('\n')];
}

function diagnosticOf(source: string, d: ts.Diagnostic): CodeTypeDiagnostic {
  const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
  const start = d.start ?? 0;
  if (start >= source.length) {
    // In the appended lines: about the params declaration.
    const m = PARAMS.exec(source);
    const at = m ? m.index + m[0].length - m[0].trimStart().length : 0;
    const [line, column] = place(source, at);
    const end = source.indexOf('\n', at);
    const [endLine, endColumn] = place(source, end < 0 ? source.length : end);
    return { line, column, endLine, endColumn, message: `params: ${message}`, code: `TS${d.code}` };
  }
  const [line, column] = place(source, start);
  const [endLine, endColumn] = place(source, Math.min(source.length, start + Math.max(1, d.length ?? 1)));
  return { line, column, endLine, endColumn, message, code: `TS${d.code}` };
}

/** The type and syntax errors of a code block's source, in source order. */
export function checkCodeTypes(source: string): CodeTypeDiagnostic[] {
  const hit = cache.get(source);
  if (hit) return hit;
  const ls = languageService();
  text = source + tailOf(source);
  version++;
  const found = [...ls.getSyntacticDiagnostics(BLOCK_FILE), ...ls.getSemanticDiagnostics(BLOCK_FILE)]
    .map((d) => diagnosticOf(source, d))
    .sort((a, b) => a.line - b.line || a.column - b.column);
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(source, found);
  return found;
}
