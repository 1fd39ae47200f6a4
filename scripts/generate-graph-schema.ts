// Writes assets/graph-document.schema.json from the zod schema (engine/protocol/graph-document.ts),
// the published JSON Schema of graph documents. `--check` exits 1 when the file is out of date.
//
//   node --import tsx scripts/generate-graph-schema.ts [--check]

import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { GRAPH_FORMAT, GRAPH_VERSION, zGraphDocument } from '../engine/protocol/graph-document.ts';

export const SCHEMA_PATH = fileURLToPath(new URL('../assets/graph-document.schema.json', import.meta.url));

/** The schema text: what a file is (the input side: defaults may be left out), stable key order. */
export function graphSchemaText(): string {
  const schema = z.toJSONSchema(zGraphDocument, { io: 'input', target: 'draft-2020-12' });
  const doc = {
    $id: `https://blocksmith.dev/schemas/${GRAPH_FORMAT}.v${GRAPH_VERSION}.json`,
    title: `Blocksmith graph document (format "${GRAPH_FORMAT}", version ${GRAPH_VERSION})`,
    ...schema,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = graphSchemaText();
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(SCHEMA_PATH, 'utf8');
    } catch {
      /* missing counts as stale */
    }
    if (current !== text) {
      console.error(`${SCHEMA_PATH} is out of date: run node --import tsx scripts/generate-graph-schema.ts`);
      process.exit(1);
    }
    console.log('graph-document.schema.json is up to date');
  } else {
    writeFileSync(SCHEMA_PATH, text);
    console.log(`wrote ${SCHEMA_PATH}`);
  }
}
