// Python spelling for the generators: identifiers that are not keywords or common builtins the
// generated code uses, and tuples written the way Python prints them.

import { formatShape } from '../../core/errors.ts';

const RESERVED = new Set([
  'False',
  'None',
  'True',
  'and',
  'as',
  'assert',
  'async',
  'await',
  'break',
  'class',
  'continue',
  'def',
  'del',
  'elif',
  'else',
  'except',
  'finally',
  'for',
  'from',
  'global',
  'if',
  'import',
  'in',
  'is',
  'lambda',
  'nonlocal',
  'not',
  'or',
  'pass',
  'raise',
  'return',
  'try',
  'while',
  'with',
  'yield',
  // Names the generated modules import or define: a variable must not shadow them.
  'self',
  'torch',
  'nn',
  'F',
  'mx',
  'nd',
  'gluon',
  'json',
  'struct',
  'sys',
  'super',
]);

/** Document names are already [A-Za-z_][A-Za-z0-9_]*; only reserved words need changing. */
export const pythonIdentifier = (name: string): string => (RESERVED.has(name) ? `${name}_` : name);

/** (2, 20) and (5,) as Python writes them. */
export const pythonTuple = formatShape;
