// Blocks as palette items: the document's own definitions (a drop adds a new instance of one) and
// the structure entries (a drop adds an instance or a repeat of a new, empty definition), plus the
// text a palette drag carries. Pure: no React, no store.
import { INPUT_NODE_PORT, OUTPUT_NODE_PORT, type BlockDefinition, type GraphDocument, type GraphNode } from '../../engine/protocol/graph-document.ts';
import { definitionPorts } from '../../engine/protocol/node-ports.ts';
import { definitionsUsed, freshBlockId } from './block-ops.ts';
import { rootDocument } from './body-view.ts';
import { freshId, type Point } from './document-ops.ts';
import { freshNodeName } from './node-names.ts';
import { setCollapsed } from './repeat-ops.ts';

/** What a palette item drops: a layer kind, a definition of the document, or a structure entry. */
export type PaletteDrop = { type: 'layer'; kind: string } | { type: 'block'; blockId: string } | { type: 'structure'; structure: StructureKind };

export type StructureKind = 'Block' | 'Repeat' | 'Sequential' | 'Concurrent';

/** The count a Repeat dropped from the palette starts with (the inspector changes it). */
export const PALETTE_REPEAT_COUNT = 2;

export interface StructureEntry {
  structure: StructureKind;
  doc: string;
}

/**
 * The structure entries. Sequential and Concurrent are definitions with that class name (the
 * engine refuses them as bare nodes, E_KIND_CONTAINER): a chain builds as a Sequential printing
 * its class name, and a graph whose branches meet in a Concat builds as a GraphBlock printing
 * `Concurrent(` — the same output as Gluon's Concurrent, with the Concat drawn as a child.
 */
export const STRUCTURE_ENTRIES: readonly StructureEntry[] = [
  { structure: 'Block', doc: 'A new empty block (Input → Output): double-click it to draw its layers.' },
  { structure: 'Repeat', doc: `A new empty block repeated ×${PALETTE_REPEAT_COUNT}, copies chained output to input.` },
  { structure: 'Sequential', doc: 'A new empty chain printing as Sequential: double-click it and add layers between its Input and Output.' },
  { structure: 'Concurrent', doc: 'A new block whose branches see the same input and are joined by a Concat (axis -1), printing as Concurrent.' },
];

// Layer kinds are identifiers, so a prefix with ':' cannot be mistaken for one.
const BLOCK_PREFIX = 'block:';
const STRUCTURE_PREFIX = 'structure:';

export function paletteDropText(drop: PaletteDrop): string {
  switch (drop.type) {
    case 'layer':
      return drop.kind;
    case 'block':
      return BLOCK_PREFIX + drop.blockId;
    case 'structure':
      return STRUCTURE_PREFIX + drop.structure;
  }
}

/** The drop a palette drag carries, or null for text that is none. */
export function parsePaletteDrop(text: string): PaletteDrop | null {
  if (text === '') return null;
  if (text.startsWith(BLOCK_PREFIX)) return text.length > BLOCK_PREFIX.length ? { type: 'block', blockId: text.slice(BLOCK_PREFIX.length) } : null;
  if (text.startsWith(STRUCTURE_PREFIX)) {
    const structure = STRUCTURE_ENTRIES.find((s) => s.structure === text.slice(STRUCTURE_PREFIX.length))?.structure;
    return structure ? { type: 'structure', structure } : null;
  }
  return { type: 'layer', kind: text };
}

export interface DefinitionEntry {
  blockId: string;
  /** The definition's label (its repeat counts as the body has them now, see currentLabel), else its id. */
  title: string;
  inputs: number;
  outputs: number;
  /** How many nodes (anywhere in the document) use it. */
  uses: number;
}

/**
 * A definition's stored label with each `blockN ×K` that names the body's one Repeat of blockN
 * reading that repeat's count now: labels describe the body (`block2: block1 ×4`, as the rgnet
 * example has it), and a count changed in the inspector must not leave the palette saying ×4.
 * Other text, a label naming no repeat of the body, or one repeated twice stays as written.
 */
export function currentLabel(def: Pick<BlockDefinition, 'label' | 'nodes'>): string | undefined {
  if (def.label === undefined) return undefined;
  const counts = new Map<string, number | null>();
  for (const n of def.nodes) {
    if (n.kind === 'Repeat' && n.block !== undefined) counts.set(n.block, counts.has(n.block) ? null : (n.count ?? null));
  }
  return def.label.replace(/(?<![\w.-])([\w.-]+) ×(\d+)/gu, (text, block: string) => {
    const count = counts.get(block);
    return count === undefined || count === null ? text : `${block} ×${count}`;
  });
}

/** Every definition of the document, for the palette's "Blocks in this document" group. */
export function definitionEntries(doc: Pick<GraphDocument, 'nodes' | 'blocks'>, search = ''): DefinitionEntry[] {
  const all = [...doc.nodes, ...doc.blocks.flatMap((b) => b.nodes)];
  const needle = search.trim().toLowerCase();
  return doc.blocks
    .map((def) => {
      const ports = definitionPorts(def);
      return {
        blockId: def.id,
        title: currentLabel(def) ?? def.id,
        inputs: ports.inputs.length,
        outputs: ports.outputs.length,
        uses: all.filter((n) => n.block === def.id).length,
      };
    })
    .filter((e) => !needle || e.title.toLowerCase().includes(needle) || e.blockId.toLowerCase().includes(needle));
}

/**
 * Why uses of the definitions `blockIds` may not be placed in the body of `intoBlockId`
 * (undefined: the main graph), or null: a definition may not contain itself, directly or through
 * the definitions it uses (the engine refuses that as E_BLOCK_RECURSIVE). Paste asks the same
 * question. The reason names the definition first (`block2, which contains block1, the block
 * being edited; …`), so callers can say what they refuse.
 */
export function recursionProblem(doc: Pick<GraphDocument, 'blocks'>, blockIds: readonly string[], intoBlockId: string | undefined): string | null {
  if (intoBlockId === undefined) return null;
  for (const blockId of blockIds) {
    if (blockId === intoBlockId) return `${blockId}, the block being edited; a block cannot contain itself`;
    const def = doc.blocks.find((b) => b.id === blockId);
    if (def && definitionsUsed(doc, def.nodes).some((d) => d.id === intoBlockId)) {
      return `${blockId}, which contains ${intoBlockId}, the block being edited; a block cannot contain itself`;
    }
  }
  return null;
}

export type AddResult = { ok: true; doc: GraphDocument; id: string; blockId: string } | { ok: false; reason: string };

/**
 * Adds a new BlockInstance of the definition `blockId` at `position` in `doc` (a document or a
 * body view of `intoBlockId`), with its own parameters (the inspector shares them).
 */
export function addBlockInstance(
  doc: GraphDocument,
  blockId: string,
  position: Point,
  intoBlockId: string | undefined,
  root: GraphDocument = rootDocument(doc),
): AddResult {
  if (!doc.blocks.some((b) => b.id === blockId)) return { ok: false, reason: `there is no block definition '${blockId}' in this document` };
  const recursive = recursionProblem(doc, [blockId], intoBlockId);
  if (recursive) return { ok: false, reason: `this would put a use of ${recursive}` };
  const name = freshNodeName(doc, { kind: 'BlockInstance', block: blockId }, new Set(), root);
  const id = freshId(doc, name);
  const node: GraphNode = { id, kind: 'BlockInstance', name, block: blockId, shareParams: false };
  return {
    ok: true,
    id,
    blockId,
    doc: { ...doc, nodes: [...doc.nodes, node], layout: { ...doc.layout, positions: { ...doc.layout?.positions, [id]: position } } },
  };
}

/** A new empty definition for a structure entry: Input → Output, or Input → Concat → Output for Concurrent. */
function emptyDefinition(id: string, structure: StructureKind): BlockDefinition {
  const input: GraphNode = { id: 'in', kind: 'Input', name: 'data' };
  const output: GraphNode = { id: 'out', kind: 'Output', name: 'output' };
  const className = structure === 'Sequential' || structure === 'Concurrent' ? { className: structure } : {};
  if (structure === 'Concurrent') {
    // The Concat has one branch to start (the input itself); each branch drawn into it joins along the last axis.
    const concat: GraphNode = { id: 'concat', kind: 'Concat', name: 'concat0', attrs: { axis: -1 } };
    return {
      id,
      ...className,
      nodes: [input, concat, output],
      edges: [
        { id: 'e_in_concat', source: { node: 'in', port: INPUT_NODE_PORT }, target: { node: 'concat', port: 'data' } },
        { id: 'e_concat_out', source: { node: 'concat', port: 'output' }, target: { node: 'out', port: OUTPUT_NODE_PORT } },
      ],
      layout: { positions: { in: { x: 0, y: 0 }, concat: { x: 440, y: 0 }, out: { x: 660, y: 0 } } },
    };
  }
  return {
    id,
    ...className,
    nodes: [input, output],
    edges: [{ id: 'e_in_out', source: { node: 'in', port: INPUT_NODE_PORT }, target: { node: 'out', port: OUTPUT_NODE_PORT } }],
    layout: { positions: { in: { x: 0, y: 0 }, out: { x: 440, y: 0 } } },
  };
}

/**
 * Adds a structure entry at `position`: a new empty definition (`block1`, `block2`, …) and an
 * instance of it (Block, Sequential, Concurrent) or a Repeat ×2 of it (Repeat), own parameters.
 */
export function addStructure(doc: GraphDocument, structure: StructureKind, position: Point): AddResult {
  const root = rootDocument(doc);
  // A view shares its document's blocks, but an edit may have added some: avoid both.
  const blockId = freshBlockId({ blocks: [...root.blocks, ...doc.blocks] });
  let def = emptyDefinition(blockId, structure);
  // The Concat's name must not take one the document stores or the engine gives automatically.
  const concat = def.nodes.find((n) => n.kind === 'Concat');
  if (concat) {
    const name = freshNodeName(doc, { kind: 'Concat' }, new Set(), root);
    def = { ...def, nodes: def.nodes.map((n) => (n === concat ? { ...n, name } : n)) };
  }
  const withDef: GraphDocument = { ...doc, blocks: [...doc.blocks, def] };
  // A new definition contains nothing, so no recursion check is needed (undefined).
  if (structure !== 'Repeat') return addBlockInstance(withDef, blockId, position, undefined, root);
  const name = freshNodeName(withDef, { kind: 'Repeat' }, new Set(), root);
  const id = freshId(withDef, name);
  const node: GraphNode = { id, kind: 'Repeat', name, block: blockId, count: PALETTE_REPEAT_COUNT, shareParams: false };
  const next: GraphDocument = {
    ...withDef,
    nodes: [...withDef.nodes, node],
    layout: { ...withDef.layout, positions: { ...withDef.layout?.positions, [id]: position } },
  };
  return { ok: true, id, blockId, doc: setCollapsed(next, id, true) };
}
