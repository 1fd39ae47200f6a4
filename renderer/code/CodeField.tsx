// The code editor of a Code node in the inspector: CodeMirror 6 with TypeScript highlighting,
// completion for the engine API (code-completion.ts), syntax errors as the person types, the
// engine's type errors on their line and column (checkCode) and its other errors on the line they
// name (code-diagnostics.ts). Edits reach the document after a
// short pause (one undo step per pause, not per key) and at once when the editor loses focus.
// The editor is in a shadow root (styles and the CSP, below); App's shortcuts look through it.
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { javascript } from '@codemirror/lang-javascript';
import { bracketMatching, defaultHighlightStyle, indentOnInput, syntaxHighlighting, syntaxTree } from '@codemirror/language';
import { linter, lintGutter, lintKeymap } from '@codemirror/lint';
import { EditorState, StateEffect } from '@codemirror/state';
import { EditorView, highlightActiveLine, keymap, lineNumbers } from '@codemirror/view';
import { useEffect, useRef } from 'react';
import type { ProblemInfo } from '../../engine/protocol/service-api.ts';
import { codeCompletions } from './code-completion.ts';
import { problemDiagnostics, syntaxDiagnostics, typeDiagnostics, type TypeDiagnostic } from './code-diagnostics.ts';

/** Typing pauses longer than this send the source to the document (and the engine). */
export const CODE_COMMIT_MS = 400;

// Styles live here, not in styles.css: the editor sits in a shadow root (see below).
const theme = EditorView.theme({
  '&': { color: 'var(--text)', backgroundColor: 'var(--panel)', maxHeight: '420px', fontSize: '12px' },
  '&.cm-focused': { outline: '1px solid var(--accent)' },
  '.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: '1.45' },
  '.cm-content': { caretColor: 'var(--text)' },
  '.cm-gutters': { backgroundColor: 'var(--panel-2)', color: 'var(--muted)', borderRight: '1px solid var(--border)' },
  '.cm-activeLine': { backgroundColor: 'rgba(127, 127, 127, 0.08)' },
  '.cm-tooltip': { backgroundColor: 'var(--panel)', border: '1px solid var(--border)' },
});

/** The engine's problems changed: lint again (the linter runs by itself only after an edit). */
const problemsChanged = StateEffect.define<null>();

interface Props {
  value: string;
  /** The engine's problems on this node (their lines become diagnostics). */
  problems: readonly ProblemInfo[];
  /** The source after a pause in typing or on blur. */
  onChange(source: string): void;
  /** The engine's type check of a source (none when the engine cannot be asked). */
  checkTypes?(source: string): Promise<readonly TypeDiagnostic[]>;
}

export function CodeField({ value, problems, onChange, checkTypes }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const problemsRef = useRef(problems);
  const onChangeRef = useRef(onChange);
  const checkRef = useRef(checkTypes);
  checkRef.current = checkTypes;
  const committed = useRef(value);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  onChangeRef.current = onChange;

  useEffect(() => {
    const commit = () => {
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
      const text = view.current?.state.doc.toString();
      if (text === undefined || text === committed.current) return;
      committed.current = text;
      onChangeRef.current(text);
    };
    const state = EditorState.create({
      doc: committed.current,
      extensions: [
        lineNumbers(),
        history(),
        bracketMatching(),
        closeBrackets(),
        indentOnInput(),
        highlightActiveLine(),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        javascript({ typescript: true }),
        autocompletion({ override: [codeCompletions], activateOnTyping: true }),
        lintGutter(),
        linter(
          async (v) => {
            const doc = v.state.doc;
            const own = [...syntaxDiagnostics(doc, syntaxTree(v.state)), ...problemDiagnostics(doc, problemsRef.current)];
            // The type check is the engine's; without an answer the other marks still show.
            const found = await (checkRef.current?.(doc.toString()) ?? Promise.resolve([])).catch(() => []);
            return [...own, ...typeDiagnostics(doc, found)];
          },
          {
            delay: 250,
            needsRefresh: (u) => u.transactions.some((tr) => tr.effects.some((e) => e.is(problemsChanged))),
          },
        ),
        keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, ...completionKeymap, ...lintKeymap, indentWithTab]),
        theme,
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ 'aria-label': 'Code block source', 'data-testid': 'code-editor-content' }),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) {
            if (timer.current) clearTimeout(timer.current);
            timer.current = setTimeout(commit, CODE_COMMIT_MS);
          }
          if (u.focusChanged && !u.view.hasFocus) commit();
        }),
      ],
    });
    // CodeMirror injects its styles at run time. Into a document that takes a <style> element,
    // which the page's Content-Security-Policy (style-src 'self') refuses; into a shadow root it
    // adopts a constructed stylesheet, which the policy allows. So the editor gets a shadow root.
    const shadow = host.current!.shadowRoot ?? host.current!.attachShadow({ mode: 'open' });
    const parent = document.createElement('div');
    shadow.replaceChildren(parent);
    const v = new EditorView({ state, parent, root: shadow });
    view.current = v;
    return () => {
      commit();
      v.destroy();
      view.current = null;
    };
  }, []);

  // An undo, or another node's source: show what the document holds.
  useEffect(() => {
    const v = view.current;
    if (!v || value === committed.current) return;
    committed.current = value;
    if (v.state.doc.toString() !== value) v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);

  // The engine answered: its errors go on their lines (lint again only when they changed).
  problemsRef.current = problems;
  const problemsKey = problems.map((p) => `${p.severity} ${p.message}`).join('\n');
  useEffect(() => {
    view.current?.dispatch({ effects: problemsChanged.of(null) });
  }, [problemsKey]);

  return <div className="code-editor" ref={host} data-testid="code-editor" />;
}
