// The graph document's schema (zod, the single source of its types and of the published JSON
// Schema, assets/graph-document.schema.json). Pure: it imports only zod, so the renderer may use it.
// The schema checks structure only; rules that need the layer catalog (kinds, attribute values,
// ports, cycles, ties) are engine/graph/validate.ts's, so one bad value never hides other problems.

import { z } from 'zod';

export const GRAPH_FORMAT = 'blocksmith.graph';
export const GRAPH_VERSION = 2;
/** Repeat counts allowed by validation (a canvas node standing for up to 1024 copies). */
export const REPEAT_MIN = 1;
export const REPEAT_MAX = 1024;

/** Gluon prefixes are `name + '_'`, so names are identifiers: `dense0`, `hidden`, `block1_a`. */
export const zNodeName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a name is letters, digits and _, not starting with a digit');
const zId = z.string().min(1).max(200);

/** An initializer by registry name (`'xavier'`) or `[name, args]` (`['normal', {sigma: 0.01}]`). */
export const zInitSpec = z.union([z.string().min(1), z.tuple([z.string().min(1)]), z.tuple([z.string().min(1), z.record(z.string(), z.unknown())])]);

export const zParamRef = z.strictObject({ node: zId, param: z.string().min(1) });

/** Settings of one parameter, keyed by its short name (`weight`). */
export const zParamSettings = z.strictObject({
  init: zInitSpec.optional().describe("the parameter's own initializer (wins over the block-level one)"),
  constant: z.boolean().optional().describe('frozen: never updated by training (gradReq null)'),
  tiedTo: zParamRef.optional().describe("hold the very same Parameter as this node's parameter"),
});

export const zGraphNode = z.strictObject({
  id: zId,
  /** A layer kind from the registry, or one of the structural kinds below. */
  kind: z.string().min(1).describe("layer kind, or 'Input' | 'Output' | 'BlockInstance' | 'Repeat'"),
  name: zNodeName.describe('stable user-visible name; Gluon prefix name + "_" (dense0 → dense0_weight)'),
  attrs: z.record(z.string(), z.unknown()).optional().describe('layer attributes (Input: shape, dtype)'),
  params: z.record(z.string(), zParamSettings).optional(),
  key: z.string().min(1).optional().describe('child key in the parent block (default: position, or the name in a DAG)'),
  block: zId.optional().describe('BlockInstance / Repeat: the block definition used'),
  shareParams: z.boolean().optional().describe("BlockInstance / Repeat: share the definition's parameters instead of fresh ones"),
  count: z.number().int().optional().describe('Repeat: number of copies, 1..1024'),
  sequence: z
    .array(z.strictObject({ kind: z.string().min(1), name: zNodeName, attrs: z.record(z.string(), z.unknown()).optional() }))
    .optional()
    .describe('Repeat: an inline chain of layers repeated instead of a block definition'),
});

export const zPortRef = z.strictObject({ node: zId, port: z.string().min(1) });
export const zGraphEdge = z.strictObject({ id: zId, source: zPortRef, target: zPortRef });

export const zPoint = z.strictObject({ x: z.number(), y: z.number() });
export const zLayout = z.strictObject({
  positions: z.record(z.string(), zPoint).optional(),
  collapsed: z.record(z.string(), z.boolean()).optional(),
  viewport: z.strictObject({ x: z.number(), y: z.number(), zoom: z.number() }).optional(),
});

const graphBody = {
  /** The class name the built block prints (`MLP`, `NestMLP`); default Sequential / GraphBlock. */
  className: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
    .optional(),
  nodes: z.array(zGraphNode),
  edges: z.array(zGraphEdge),
  layout: zLayout.optional(),
};

export const zBlockDefinition = z.strictObject({ id: zId, label: z.string().optional(), ...graphBody });

export const zInputSpec = z.strictObject({
  shape: z.array(z.number().int()).describe('-1 for dims not known until run (the batch axis)'),
  dtype: z.enum(['float32', 'float64', 'int32', 'int64', 'uint8']).default('float32').describe('an engine dtype; layers hold float32 parameters'),
});

export const zDevice = z.string().regex(/^(cpu|gpu:\d+)$/, "a device is 'cpu' or 'gpu:N'");

export const zGraphDocument = z.strictObject({
  format: z.literal(GRAPH_FORMAT),
  version: z.literal(GRAPH_VERSION),
  title: z.string().optional(),
  input: zInputSpec,
  device: zDevice.default('cpu'),
  seed: z.number().int().min(0).default(0),
  ...graphBody,
  blocks: z.array(zBlockDefinition).default([]),
});

export type InitSpecJson = z.infer<typeof zInitSpec>;
export type ParamSettings = z.infer<typeof zParamSettings>;
export type GraphNode = z.infer<typeof zGraphNode>;
export type GraphEdge = z.infer<typeof zGraphEdge>;
export type PortRef = z.infer<typeof zPortRef>;
export type GraphLayout = z.infer<typeof zLayout>;
export type BlockDefinition = z.infer<typeof zBlockDefinition>;
export type InputSpec = z.infer<typeof zInputSpec>;
export type GraphDocument = z.infer<typeof zGraphDocument>;
/** What nodes and edges live in: the document's main graph or a block definition. */
export type GraphBody = Pick<GraphDocument, 'nodes' | 'edges' | 'className' | 'layout'>;

/** Node kinds that are not layers: graph inputs/outputs and block structure. */
export const STRUCTURAL_KINDS = ['Input', 'Output', 'BlockInstance', 'Repeat'] as const;
export type StructuralKind = (typeof STRUCTURAL_KINDS)[number];
export const isStructural = (kind: string): kind is StructuralKind => (STRUCTURAL_KINDS as readonly string[]).includes(kind);
/** The port names of Input and Output nodes (layers name theirs in their descriptors). */
export const INPUT_NODE_PORT = 'output';
export const OUTPUT_NODE_PORT = 'data';
