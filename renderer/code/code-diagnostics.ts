// Diagnostics of the code editor: syntax errors from the editor's own parser (as the person
// types, before the engine answers) and the engine's problems on the node that name a line of the
// source (`line 4: matmul: ...`, from shape inference or the sandbox), each placed on its line.
import type { Diagnostic } from '@codemirror/lint';
import type { Text } from '@codemirror/state';
import type { syntaxTree } from '@codemirror/language';
import type { ProblemInfo } from '../../engine/protocol/service-api.ts';

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
