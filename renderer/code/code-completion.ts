// Completion in the code editor for the engine API a code block may call: np., np.random., npx.,
// the NDArray methods after any other `name.`, `self.` with the parameters the source declares
// (read from its text, never by running it), and the fields of a parameter declaration. The
// names are the sandbox's own allowlist (engine/protocol/code-api.ts), so what is offered runs.
import type { Completion, CompletionContext, CompletionResult } from '@codemirror/autocomplete';
import { CODE_ARRAY_PROPERTIES, CODE_METHODS, CODE_NP, CODE_NP_RANDOM, CODE_NPX, CODE_PARAM_FIELDS } from '../../engine/protocol/code-api.ts';

const fns = (names: readonly string[], detail: string): Completion[] => names.map((label) => ({ label, type: 'function', detail, apply: label }));
const props = (names: readonly string[], detail: string): Completion[] => names.map((label) => ({ label, type: 'property', detail }));

const NP_OPTIONS = [...fns(CODE_NP, 'np'), { label: 'random', type: 'namespace', detail: 'np.random' }];
const ARRAY_OPTIONS = [
  ...fns(CODE_METHODS, 'NDArray'),
  ...props(CODE_ARRAY_PROPERTIES, 'NDArray'),
  { label: 'data', type: 'method', detail: 'parameter: its array' },
];
const TOP_OPTIONS: Completion[] = [
  { label: 'np', type: 'namespace', detail: "the engine's numpy" },
  { label: 'npx', type: 'namespace', detail: 'activations, normalization, fullyConnected' },
  { label: 'self', type: 'variable', detail: 'the block: self.<param>.data()' },
  ...props(CODE_PARAM_FIELDS, 'parameter declaration'),
  ...['xavier', 'zeros', 'ones', 'normal', 'uniform', 'constant'].map((label) => ({ label, type: 'constant', detail: 'initializer' })),
  { label: 'forward', type: 'keyword', detail: 'export function forward(self, x)' },
  { label: 'params', type: 'keyword', detail: 'export const params = { name: { shape, init } }' },
];

/** The parameter names a source declares: the keys of `export const params = { ... }` at its first level. */
export function declaredParams(source: string): string[] {
  const start = /export\s+const\s+params\s*(?::[^=]*)?=\s*\{/.exec(source);
  if (!start) return [];
  const names: string[] = [];
  let depth = 1;
  let i = start.index + start[0].length;
  let key = '';
  for (; i < source.length && depth > 0; i++) {
    const c = source[i]!;
    if (c === '/' && source[i + 1] === '/') {
      // a comment to the end of the line
      while (i < source.length && source[i] !== '\n') i++;
      continue;
    }
    if ('{[('.includes(c)) depth++;
    else if ('}])'.includes(c)) depth--;
    else if (depth === 1 && c === ':' && /^\s*[A-Za-z_$][\w$]*\s*$/.test(key)) names.push(key.trim());
    if (depth === 1 && c === ',') key = '';
    else if (depth === 1 && !'{}[]()'.includes(c)) key += c;
    if (depth === 1 && (c === '}' || c === ']' || c === ')')) key = '';
  }
  return names;
}

/** What to offer at the cursor; null when nothing fits (inside a word that is no API). */
export function codeCompletions(context: CompletionContext): CompletionResult | null {
  const member = context.matchBefore(/[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*\.[\w$]*$/);
  if (member) {
    const dot = member.text.lastIndexOf('.');
    const owner = member.text.slice(0, dot);
    const from = member.from + dot + 1;
    const source = context.state.doc.toString();
    if (owner === 'np') return { from, options: NP_OPTIONS, validFor: /^[\w$]*$/ };
    if (owner === 'np.random') return { from, options: fns(CODE_NP_RANDOM, 'np.random'), validFor: /^[\w$]*$/ };
    if (owner === 'npx') return { from, options: fns(CODE_NPX, 'npx'), validFor: /^[\w$]*$/ };
    if (owner === 'self') {
      const options = [
        ...declaredParams(source).map((label) => ({ label, type: 'variable', detail: 'declared parameter' })),
        { label: 'name', type: 'property', detail: "the node's name" },
      ];
      return { from, options, validFor: /^[\w$]*$/ };
    }
    return { from, options: ARRAY_OPTIONS, validFor: /^[\w$]*$/ };
  }
  const word = context.matchBefore(/[A-Za-z_$][\w$]*$/);
  if (!word && !context.explicit) return null;
  return { from: word?.from ?? context.pos, options: TOP_OPTIONS, validFor: /^[\w$]*$/ };
}
