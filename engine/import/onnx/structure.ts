// Structure recovery: imported layers → a graph document whose repeated units are blocks. A unit
// is what PyTorch's export scopes name as a member of a container (`layer1.0`, `features.3`: the
// shortest module path ending in an index); a unit with one input and one output becomes a
// BlockInstance, and units with the same layers, attributes and wiring share one Block definition
// (each instance has its own parameters). Input channels are left to inference, so units that
// differ only in what flows in (SqueezeNet's Fire modules) share a definition too. A container's
// members from index 0 on that share one definition and feed each other only (a Transformer's
// `layers.0`, `layers.1`, ...; ResNet's `layer1.0`, `layer1.1`) become one Repeat node ×N named
// after the container: each copy has its own parameters, and its PyTorch path stays
// `layers.<copy>.<layer>` (the foreign-weights mapping reads copies as indices).

import { layerSpec } from '../../nn/layers/index.ts';
import type { OnnxConstant } from '../../nn/layers/layer-spec.ts';
import type { BlockDefinition, GraphDocument, GraphEdge, GraphNode } from '../../protocol/graph-document.ts';
import type { ImportedLayer, ImportedLayers } from './onnx-layers.ts';
import { layoutBody } from './layout.ts';

export interface StructuredImport {
  document: GraphDocument;
  /** Where a layer sits (`n5`, or `b3/l0` inside an instance, as ShapeReport keys) → its parameter values. */
  params: Map<string, Record<string, OnnxConstant>>;
}

/** The unit a module path belongs to: its shortest prefix ending in an index (`layer1.0.conv1` → `layer1.0`), or ''. */
export function unitOf(scope: string): string {
  const parts = scope.split('.');
  for (let i = 1; i < parts.length; i++) if (/^\d+$/.test(parts[i]!)) return parts.slice(0, i + 1).join('.');
  return '';
}

/** A document node name from a module path or a kind (`layer1.0` → `layer1_0`). */
function identifier(text: string, kind: string, taken: Set<string>): string {
  let base = text.replace(/[^A-Za-z0-9_]/g, '_').replace(/^_+|_+$/g, '');
  if (!base) base = kind.toLowerCase().replace(/[^a-z0-9_]/g, '');
  if (/^\d/.test(base)) base = `${kind.toLowerCase().replace(/[^a-z0-9_]/g, '')}_${base}`;
  let name = base;
  for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
  taken.add(name);
  return name;
}

const portsOf = (kind: string): { inputs: string[]; output: string; variadic: boolean } => {
  try {
    const spec = layerSpec(kind);
    return { inputs: spec.inputs.map((p) => p.name), output: spec.outputs[0]!.name, variadic: spec.inputs[0]?.variadic === true };
  } catch {
    return { inputs: ['data'], output: 'output', variadic: true }; // an unsupported operator kept by --partial
  }
};

/** The data every layer's port takes: by position, or all into one variadic port. */
const targetPort = (kind: string, i: number): string => {
  const p = portsOf(kind);
  return p.variadic ? p.inputs[0]! : (p.inputs[i] ?? p.inputs[0]!);
};

interface Body {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** Nodes and edges of a set of layers wired by value names; `source(value)` finds a value's node and port. */
function wire(
  body: Body,
  layers: readonly ImportedLayer[],
  ids: Map<ImportedLayer, string>,
  source: (v: string) => { node: string; port: string },
  names: Set<string>,
  scopePrefix: string,
): void {
  for (const l of layers) {
    const local = scopePrefix && l.scope.startsWith(`${scopePrefix}.`) ? l.scope.slice(scopePrefix.length + 1) : l.scope;
    const attrs = Object.fromEntries(Object.entries(l.attrs).filter(([, v]) => v !== undefined));
    body.nodes.push({ id: ids.get(l)!, kind: l.kind, name: identifier(local, l.kind, names), attrs });
    l.inputs.forEach((v, i) => {
      body.edges.push({ id: `e${body.edges.length}`, source: source(v), target: { node: ids.get(l)!, port: targetPort(l.kind, i) } });
    });
  }
}

/**
 * Runs of units that become Repeats, by their first unit: `C.0`, `C.1`, ... `C.n` (n ≥ 1) with one
 * signature, each unit's output read by the next unit only (`readers(value)`: the units reading it,
 * '' for a layer outside any, null for a graph output).
 */
function repeatRuns(
  order: readonly string[],
  io: Map<string, { input: string; output: string }>,
  signatureOf: (u: string) => string,
  readers: (value: string) => string[] | null,
): Map<string, string[]> {
  const runs = new Map<string, string[]>();
  for (const u of order) {
    const m = /^(.*)\.0$/.exec(u);
    if (!m) continue;
    const run = [u];
    for (let k = 1; ; k++) {
      const next = `${m[1]!}.${k}`;
      const prev = run.at(-1)!;
      const r = readers(io.get(prev)!.output);
      if (!io.has(next) || io.get(next)!.input !== io.get(prev)!.output || !r || r.some((x) => x !== next) || signatureOf(next) !== signatureOf(u)) break;
      run.push(next);
    }
    if (run.length > 1) runs.set(u, run);
  }
  return runs;
}

export function structure(imported: ImportedLayers, title: string): StructuredImport {
  const { layers } = imported;
  const byOutput = new Map(layers.map((l) => [l.output, l]));
  const consumers = new Map<string, ImportedLayer[]>();
  for (const l of layers) for (const v of l.inputs) consumers.set(v, [...(consumers.get(v) ?? []), l]);
  const outputs = new Set(imported.outputs);

  // Units with one value in and one out become blocks.
  const units = new Map<string, ImportedLayer[]>();
  for (const l of layers) {
    const u = unitOf(l.scope);
    if (u) units.set(u, [...(units.get(u) ?? []), l]);
  }
  const blockOf = new Map<ImportedLayer, string>();
  const unitIo = new Map<string, { input: string; output: string }>();
  for (const [u, members] of units) {
    const inside = new Set(members);
    const ins = new Set(members.flatMap((l) => l.inputs.filter((v) => !inside.has(byOutput.get(v)!))));
    const outs = new Set(members.filter((l) => outputs.has(l.output) || (consumers.get(l.output) ?? []).some((c) => !inside.has(c))).map((l) => l.output));
    if (members.length < 2 || ins.size !== 1 || outs.size !== 1) continue;
    unitIo.set(u, { input: [...ins][0]!, output: [...outs][0]! });
    for (const l of members) blockOf.set(l, u);
  }

  const blocks: BlockDefinition[] = [];
  const defBySignature = new Map<string, BlockDefinition>();
  const params = new Map<string, Record<string, OnnxConstant>>();
  const mainNodes: GraphNode[] = [{ id: 'in', kind: 'Input', name: 'data' }];
  const main: Body = { nodes: mainNodes, edges: [] };
  const mainNames = new Set(['data', 'output']);
  const valueSource = new Map<string, { node: string; port: string }>([[imported.input.name, { node: 'in', port: 'output' }]]);
  const collapsed: Record<string, boolean> = {};

  const signatureOf = (u: string): string => {
    const members = units.get(u)!;
    const io = unitIo.get(u)!;
    const index = new Map(members.map((m, i) => [m, i]));
    return JSON.stringify(members.map((m) => [m.kind, m.attrs, m.inputs.map((v) => (v === io.input ? 'in' : index.get(byOutput.get(v)!)))]));
  };
  const runs = repeatRuns([...unitIo.keys()], unitIo, signatureOf, (v) => (outputs.has(v) ? null : (consumers.get(v) ?? []).map((c) => blockOf.get(c) ?? '')));
  const placed = new Set<string>();
  let instances = 0;
  for (const l of layers) {
    const u = blockOf.get(l);
    if (!u) {
      const id = l.id;
      wire(main, [l], new Map([[l, id]]), (v) => valueSource.get(v)!, mainNames, '');
      valueSource.set(l.output, { node: id, port: portsOf(l.kind).output });
      params.set(id, l.params);
      continue;
    }
    if (placed.has(u)) continue;
    placed.add(u);
    const members = units.get(u)!;
    const io = unitIo.get(u)!;
    const signature = signatureOf(u);
    let def = defBySignature.get(signature);
    if (!def) {
      const ids = new Map(members.map((m, i) => [m, `l${i}`]));
      const body: Body = { nodes: [{ id: 'in', kind: 'Input', name: 'data' }], edges: [] };
      const names = new Set(['data', 'output']);
      const local = new Map<string, { node: string; port: string }>([[io.input, { node: 'in', port: 'output' }]]);
      for (const m of members) {
        wire(body, [m], ids, (v) => local.get(v)!, names, u);
        local.set(m.output, { node: ids.get(m)!, port: portsOf(m.kind).output });
      }
      body.nodes.push({ id: 'out', kind: 'Output', name: 'output' });
      body.edges.push({ id: `e${body.edges.length}`, source: local.get(io.output)!, target: { node: 'out', port: 'data' } });
      def = { id: `block${blocks.length}`, label: u, nodes: body.nodes, edges: body.edges, layout: layoutBody(body.nodes, body.edges) };
      blocks.push(def);
      defBySignature.set(signature, def);
    }
    const run = runs.get(u);
    if (run) {
      // One Repeat for the run: copy k's layer i is `r0#k/l<i>` in the built model.
      const id = `r${instances++}`;
      mainNodes.push({ id, kind: 'Repeat', name: identifier(u.slice(0, u.lastIndexOf('.')), 'repeat', mainNames), block: def.id, count: run.length });
      main.edges.push({ id: `e${main.edges.length}`, source: valueSource.get(io.input)!, target: { node: id, port: 'data' } });
      valueSource.set(unitIo.get(run.at(-1)!)!.output, { node: id, port: 'output' });
      collapsed[id] = true;
      run.forEach((r, k) => {
        placed.add(r);
        units.get(r)!.forEach((m, i) => params.set(`${id}#${k}/l${i}`, m.params));
      });
      continue;
    }
    const id = `b${instances++}`;
    mainNodes.push({ id, kind: 'BlockInstance', name: identifier(u, 'block', mainNames), block: def.id });
    main.edges.push({ id: `e${main.edges.length}`, source: valueSource.get(io.input)!, target: { node: id, port: 'data' } });
    valueSource.set(io.output, { node: id, port: 'output' });
    collapsed[id] = true;
    members.forEach((m, i) => params.set(`${id}/l${i}`, m.params));
  }
  imported.outputs.forEach((v, i) => {
    const id = i === 0 ? 'out' : `out${i}`;
    mainNodes.push({ id, kind: 'Output', name: i === 0 ? 'output' : identifier(`output${i}`, 'output', mainNames) });
    main.edges.push({ id: `e${main.edges.length}`, source: valueSource.get(v)!, target: { node: id, port: 'data' } });
  });
  const document: GraphDocument = {
    format: 'blocksmith.graph',
    version: 2,
    title,
    input: { shape: imported.input.shape, dtype: 'float32' },
    device: 'cpu',
    seed: 0,
    nodes: main.nodes,
    edges: main.edges,
    blocks,
    layout: { ...layoutBody(main.nodes, main.edges), collapsed },
  };
  return { document, params };
}
