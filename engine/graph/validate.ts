// Validation of a schema-valid document: every problem at once, each with its place. Pure (the
// schema, the layer descriptors and the topology helpers), so it is fast enough for every edit.

import { REPEAT_MAX, REPEAT_MIN, type BlockDefinition, type GraphBody, type GraphDocument, type GraphNode } from '../protocol/graph-document.ts';
import { problem, PROBLEM_CODES as C, type Problem } from './problems.ts';
import { findCycles, indexGraph, isLayerKind, nodePorts, definitionPorts } from './topology.ts';
import { checkAttrs, checkParamSettings, checkTieCycles } from './validate-node.ts';
import { checkExpansion } from './expansion.ts';
import { structureProblemText as S } from './problem-messages.ts';

/** Every problem of the document; an empty list (or warnings only) means it builds. */
export function validateStructure(doc: GraphDocument): Problem[] {
  const out: Problem[] = [];
  const blocks = new Map<string, BlockDefinition>();
  doc.blocks.forEach((b, i) => {
    if (blocks.has(b.id)) out.push(problem(C.idDuplicate, S.duplicateBlockId(b.id), { blockId: b.id, path: `blocks[${i}].id` }));
    else blocks.set(b.id, b);
  });
  checkInputShape(doc.input.shape, 'input.shape', out);
  validateGraph(doc, blocks, { path: '' }, out, true);
  doc.blocks.forEach((b, i) => validateGraph(b, blocks, { blockId: b.id, path: `blocks[${i}]` }, out, false));
  checkExpansion(doc, blocks, out);
  return out;
}

function checkInputShape(shape: readonly number[], path: string, out: Problem[], nodeId?: string): void {
  if (shape.some((d) => d !== -1 && d < 1)) {
    out.push(problem(C.inputShape, S.inputShape(shape), { path, nodeId }));
  }
}

interface GraphPlace {
  blockId?: string;
  path: string;
}

function validateGraph(body: GraphBody, blocks: ReadonlyMap<string, BlockDefinition>, where: GraphPlace, out: Problem[], isRoot: boolean): void {
  const base = where.path ? `${where.path}.` : '';
  const at = (node: GraphNode, i: number, extra: Record<string, string | undefined> = {}) => ({
    blockId: where.blockId,
    nodeId: node.id,
    path: `${base}nodes[${i}]`,
    ...extra,
  });
  const ids = new Set<string>();
  const names = new Map<string, GraphNode>();
  body.nodes.forEach((n, i) => {
    if (ids.has(n.id)) out.push(problem(C.idDuplicate, S.duplicateNodeId(n.id), at(n, i, { path: `${base}nodes[${i}].id` })));
    ids.add(n.id);
    const other = names.get(n.name);
    if (other) out.push(problem(C.nameDuplicate, S.duplicateName(other.id, n.id, n.name), at(n, i, { path: `${base}nodes[${i}].name` })));
    else names.set(n.name, n);
    checkNode(n, blocks, { blockId: where.blockId, nodeId: n.id, path: `${base}nodes[${i}]` }, out);
  });
  const index = indexGraph(body);
  body.nodes.forEach((n, i) => {
    const place = { blockId: where.blockId, nodeId: n.id, path: `${base}nodes[${i}]` };
    if (isLayerKind(n.kind)) checkParamSettings(n, index.nodes, place, out);
    else if (n.params && Object.keys(n.params).length > 0) {
      out.push(problem(C.paramUnknown, S.containerParams(n.name, n.kind), { ...place, path: `${place.path}.params` }));
    }
  });
  const edgeIds = new Set<string>();
  body.edges.forEach((e, i) => {
    const path = `${base}edges[${i}]`;
    if (edgeIds.has(e.id)) out.push(problem(C.idDuplicate, S.duplicateEdgeId(e.id), { blockId: where.blockId, path: `${path}.id` }));
    edgeIds.add(e.id);
    for (const [end, ref] of [
      ['source', e.source],
      ['target', e.target],
    ] as const) {
      const node = index.nodes.get(ref.node);
      if (!node) {
        out.push(
          problem(C.edgeNode, S.edgeNode(e.id, end, ref.node), { blockId: where.blockId, nodeId: ref.node, port: ref.port, path: `${path}.${end}.node` }),
        );
        continue;
      }
      const ports = nodePorts(node, blocks);
      if (!ports) continue; // the node's own problem (unknown kind / missing block) says why
      const names = end === 'source' ? ports.outputs : ports.inputs.map((p) => p.name);
      if (!names.includes(ref.port)) {
        out.push(
          problem(C.edgePort, S.edgePort(e.id, node.name, end, ref.port, names), {
            blockId: where.blockId,
            nodeId: node.id,
            port: ref.port,
            path: `${path}.${end}.port`,
          }),
        );
      }
    }
  });
  body.nodes.forEach((n, i) => {
    const ports = nodePorts(n, blocks);
    if (!ports) return;
    for (const p of ports.inputs) {
      const edges = index.incoming.get(n.id)?.get(p.name) ?? [];
      if (edges.length === 0) {
        if (!p.optional) out.push(problem(C.portUnconnected, S.portUnconnected(n.name, p.name), at(n, i, { port: p.name })));
      } else if (edges.length > 1 && !p.variadic) {
        out.push(
          problem(
            C.portMultiple,
            S.portMultiple(
              n.name,
              p.name,
              edges.map((e) => e.id),
            ),
            at(n, i, { port: p.name }),
          ),
        );
      }
    }
  });
  for (const cycle of findCycles(index)) {
    const names = cycle.map((n) => n.name);
    out.push(problem(C.cycle, S.cycle(names), { blockId: where.blockId, nodeId: cycle[0]!.id, path: where.path }));
  }
  const what = isRoot ? 'The model' : `Block definition '${where.blockId}'`;
  if (!body.nodes.some((n) => n.kind === 'Input')) out.push(problem(C.inputMissing, S.inputMissing(what), { blockId: where.blockId, path: where.path }));
  if (!body.nodes.some((n) => n.kind === 'Output')) out.push(problem(C.outputMissing, S.outputMissing(what), { blockId: where.blockId, path: where.path }));
  checkUnused(body, index, where, out);
  checkTieCycles(index.nodes, { blockId: where.blockId, path: where.path }, out);
}

function checkNode(
  n: GraphNode,
  blocks: ReadonlyMap<string, BlockDefinition>,
  place: { blockId?: string; nodeId: string; path: string },
  out: Problem[],
): void {
  switch (n.kind) {
    case 'Input':
      if (Array.isArray(n.attrs?.shape)) checkInputShape(n.attrs.shape as number[], `${place.path}.attrs.shape`, out, n.id);
      return;
    case 'Output':
      return;
    case 'BlockInstance':
    case 'Repeat': {
      if (n.kind === 'Repeat') {
        if (n.count === undefined || n.count < REPEAT_MIN || n.count > REPEAT_MAX) {
          out.push(problem(C.repeatCount, S.repeatCount(n.name, n.count), { ...place, path: `${place.path}.count` }));
        }
        if ((n.block === undefined) === (n.sequence === undefined)) {
          out.push(problem(C.blockField, S.repeatSource(n.name), place));
        }
        n.sequence?.forEach((s, j) => {
          const p = { ...place, path: `${place.path}.sequence[${j}]` };
          if (!isLayerKind(s.kind)) out.push(problem(C.kindUnknown, S.sequenceKind(n.name, s.kind), p));
          else checkAttrs(s.kind, s.attrs ?? {}, p, out);
        });
        if (n.sequence) return;
      }
      if (n.block === undefined) {
        if (n.kind === 'BlockInstance') out.push(problem(C.blockField, S.instanceBlock(n.name), place));
        return;
      }
      const def = blocks.get(n.block);
      if (!def) {
        out.push(problem(C.blockMissing, S.blockMissing(n.name, n.block, [...blocks.keys()]), { ...place, path: `${place.path}.block` }));
      } else if (n.kind === 'Repeat') {
        const ports = definitionPorts(def);
        if (ports.inputs.length !== 1 || ports.outputs.length !== 1) {
          out.push(problem(C.blockField, S.repeatPorts(n.name, def.id, ports.inputs.length, ports.outputs.length), place));
        }
      }
      return;
    }
    default:
      if (!isLayerKind(n.kind)) {
        out.push(problem(C.kindUnknown, S.kindUnknown(n.name, n.kind), { ...place, path: `${place.path}.kind` }));
        return;
      }
      if (n.kind === 'Sequential' || n.kind === 'Concurrent') {
        out.push(problem(C.kindContainer, S.kindContainer(n.name, n.kind), place));
      }
      checkAttrs(n.kind, n.attrs ?? {}, place, out);
  }
}

/** Nodes whose results reach no Output do nothing (a warning: half-drawn graphs are normal). */
function checkUnused(body: GraphBody, index: ReturnType<typeof indexGraph>, where: GraphPlace, out: Problem[]): void {
  const live = new Set<string>();
  const stack = body.nodes.filter((n) => n.kind === 'Output').map((n) => n.id);
  const preds = new Map<string, string[]>();
  for (const edges of index.outgoing.values()) {
    for (const e of edges) {
      let list = preds.get(e.target.node);
      if (!list) preds.set(e.target.node, (list = []));
      list.push(e.source.node);
    }
  }
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (live.has(id)) continue;
    live.add(id);
    // One push at a time: spreading 100k predecessors into push() overflows the argument stack.
    for (const p of preds.get(id) ?? []) if (!live.has(p)) stack.push(p);
  }
  body.nodes.forEach((n, i) => {
    if (!live.has(n.id) && n.kind !== 'Input') {
      out.push(problem(C.unused, S.unused(n.name), { blockId: where.blockId, nodeId: n.id, path: `${where.path ? `${where.path}.` : ''}nodes[${i}]` }));
    }
  });
}
