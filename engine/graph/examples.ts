// The chapter's models as documents (assets/examples/*.json), loaded and checked like any file.

import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { GraphDocument } from '../protocol/graph-document.ts';
import { GraphError, hasErrors } from './problems.ts';
import { parseDocument } from './parse.ts';

const EXAMPLES_DIR = fileURLToPath(new URL('../../assets/examples/', import.meta.url));

/** Example names, sorted: `mlp`, `rgnet`, ... (file names without `.json`). */
export function exampleNames(): string[] {
  return readdirSync(EXAMPLES_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

/** An example document by name (throws GraphError if the file has problems). */
export function loadExample(name: string): GraphDocument {
  if (!exampleNames().includes(name)) {
    throw new GraphError(
      [{ code: 'E_EXAMPLE_UNKNOWN', severity: 'error', message: `No example named '${name}'; there are ${exampleNames().join(', ')}.` }],
      'Cannot load the example',
    );
  }
  const { document, problems } = parseDocument(JSON.parse(readFileSync(`${EXAMPLES_DIR}${name}.json`, 'utf8')));
  if (!document || hasErrors(problems)) throw new GraphError(problems, `Example '${name}' is invalid`);
  // A copy without the validated brand: callers change examples before building them.
  return structuredClone(document) as GraphDocument;
}
