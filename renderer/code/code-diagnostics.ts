// Diagnostics of the code editor: syntax errors from the editor's own parser (as the person
// types, before the engine answers), the engine's problems on the node that name a line of the
// source (`line 4: matmul: ...`, from shape inference or the sandbox), each placed on its line,
// and the engine's type errors (checkCode: TypeScript's checker against the sandbox's API) on
// their line and column.
import type { Diagnostic } from '@codemirror/lint';
import type { Text } from '@codemirror/state';
import type { syntaxTree } from '@codemirror/language';
import type { MethodResult, ProblemInfo } from '../../engine/protocol/service-api.ts';

type Tree = ReturnType<typeof syntaxTree>;

/** The line a problem's message names (`line 12:` / `at line 12`), or null. */
export function problemLine(message: string): number | null {
  const m = /\bline (\d+)\b/.exec(message);
  return m ? Number(m[1]) : null;
}

/** The engine's problems for the node, each on the line it names (the first line when it names none). */
export function problemDiagnostics(doc: Text, problems: readonly ProblemInfo[]): Diagnostic[] {
  return problems.map((p) => {
    const n = problemLine(p.message);
    const line = doc.line(n !== null && n >= 1 && n <= doc.lines ? n : 1);
    return { from: line.from, to: line.to, severity: p.severity === 'error' ? 'error' : 'warning', message: p.message, source: 'engine' };
  });
}

/** The parser's error nodes as diagnostics: one per line, the first on it. */
export function syntaxDiagnostics(doc: Text, tree: Tree): Diagnostic[] {
  const seen = new Set<number>();
  const out: Diagnostic[] = [];
  tree.iterate({
    enter(node) {
      if (!node.type.isError) return;
      const line = doc.lineAt(node.from);
      if (seen.has(line.number)) return;
      seen.add(line.number);
      out.push({
        from: node.from,
        to: Math.max(node.to, Math.min(node.from + 1, doc.length)),
        severity: 'error',
        message: `Syntax error at line ${line.number}`,
        source: 'syntax',
      });
    },
  });
  return out;
}

export type TypeDiagnostic = MethodResult<'checkCode'>['diagnostics'][number];

/** The offset of a 1-based line and column, kept inside the document. */
function offsetOf(doc: Text, line: number, column: number): number {
  const l = doc.line(Math.min(Math.max(1, line), doc.lines));
  return Math.min(l.to, l.from + Math.max(0, column - 1));
}

/** The engine's type errors, each on its range (at least one character, so the mark shows). */
export function typeDiagnostics(doc: Text, found: readonly TypeDiagnostic[]): Diagnostic[] {
  return found.map((d) => {
    const from = offsetOf(doc, d.line, d.column);
    const to = Math.max(offsetOf(doc, d.endLine, d.endColumn), Math.min(from + 1, doc.length));
    return { from, to, severity: 'error', message: `${d.message} (${d.code})`, source: 'types' };
  });
}
