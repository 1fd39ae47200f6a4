// Forward migrations of saved documents (style convention 19): MIGRATIONS[v] turns a version-v
// document into version v + 1. Loading applies them in order up to GRAPH_VERSION, so a file saved
// by any earlier Blocksmith opens; a file from a newer Blocksmith is refused with a clear problem.

import { GRAPH_FORMAT, GRAPH_VERSION } from '../protocol/graph-document.ts';
import { currentLimits, jsonDeeperThan } from '../protocol/limits.ts';
import { problem, PROBLEM_CODES as C, type Problem } from './problems.ts';
import { upgradeFormerKinds } from './upgrade-kinds.ts';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Version 1 kept the input as `inputShape` + `dtype`, called block definitions `definitions` and
 * stored each node's canvas position on the node. Version 2 groups the input specification,
 * names definitions `blocks` and keeps every canvas concern in `layout`, so a layout-only edit
 * never touches the model part of the file.
 */
function v1ToV2(doc: Json): Json {
  const { inputShape, dtype, definitions, ...rest } = doc;
  const moveLayout = (graph: Json): Json => {
    const positions: Record<string, unknown> = {};
    const nodes = Array.isArray(graph.nodes)
      ? graph.nodes.map((n: unknown) => {
          if (!isObject(n) || !('position' in n)) return n;
          const { position, ...node } = n;
          if (typeof node.id === 'string') positions[node.id] = position;
          return node;
        })
      : graph.nodes;
    const layout = Object.keys(positions).length > 0 ? { ...(isObject(graph.layout) ? graph.layout : {}), positions } : graph.layout;
    return { ...graph, nodes, ...(layout === undefined ? {} : { layout }) };
  };
  const blocks = Array.isArray(definitions) ? definitions.map((d) => (isObject(d) ? moveLayout(d) : d)) : definitions;
  return {
    ...moveLayout(rest),
    version: 2,
    input: { shape: inputShape, dtype: dtype ?? 'float32' },
    ...(blocks === undefined ? {} : { blocks }),
  };
}

export const MIGRATIONS: Readonly<Record<number, (doc: Json) => Json>> = { 1: v1ToV2 };

/** The document at GRAPH_VERSION, or the problems that stop it from getting there. */
export function migrateDocument(json: unknown): { document: unknown; problems: Problem[]; migratedFrom?: number } {
  if (!isObject(json)) return { document: null, problems: [problem(C.json, 'A graph document is a JSON object.', { path: '' })] };
  // Every later step (the schema, messages quoting values) walks the JSON recursively.
  const maxDepth = currentLimits().maxJsonDepth;
  if (jsonDeeperThan(json, maxDepth)) {
    return {
      document: null,
      problems: [
        problem(
          C.jsonDepth,
          `The document nests arrays or objects more than ${maxDepth} deep; ` +
            'no graph document needs that (raise the limit with BLOCKSMITH_MAX_JSON_DEPTH).',
          { path: '' },
        ),
      ],
    };
  }
  if (json.format !== GRAPH_FORMAT) {
    return {
      document: null,
      problems: [
        problem(C.format, `This is not a Blocksmith graph: "format" is ${JSON.stringify(json.format)}, expected "${GRAPH_FORMAT}".`, { path: 'format' }),
      ],
    };
  }
  const from = json.version;
  if (typeof from !== 'number' || !Number.isInteger(from) || from < 1) {
    return { document: null, problems: [problem(C.version, `"version" must be a positive integer, got ${JSON.stringify(from)}.`, { path: 'version' })] };
  }
  if (from > GRAPH_VERSION) {
    return {
      document: null,
      problems: [
        problem(C.version, `The file is version ${from}, newer than this Blocksmith reads (${GRAPH_VERSION}); update Blocksmith to open it.`, {
          path: 'version',
        }),
      ],
    };
  }
  let doc: Json = json;
  for (let v = from; v < GRAPH_VERSION; v++) {
    const up = MIGRATIONS[v];
    if (!up) return { document: null, problems: [problem(C.version, `No migration from version ${v} to ${v + 1}.`, { path: 'version' })] };
    doc = up(doc);
  }
  doc = upgradeFormerKinds(doc);
  return from === GRAPH_VERSION ? { document: doc, problems: [] } : { document: doc, problems: [], migratedFrom: from };
}
