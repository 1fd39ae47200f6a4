// The descriptor every layer kind carries (style conventions 1 and 15): its attributes with types
// and defaults, its ports, its parameters with shapes as functions of the input shape, its output
// shape, its repr, how it is built, and how it is written to ONNX and to PyTorch / Gluon /
// TypeScript code. Each kind's file (dense.ts, conv2d.ts, ...) holds its descriptor beside its
// class; the registry (index.ts), the nn namespace, the editor's catalog (sent over the service
// API as data), shape inference and every exporter read this one description.

import type { Block, BlockOptions } from '../block.ts';
import { modelErrors } from '../model-errors.ts';

export type AttrType = 'int' | 'float' | 'bool' | 'string' | 'enum' | 'initializer' | 'intList' | 'function';

export interface AttrSpec {
  readonly name: string;
  readonly type: AttrType;
  /** undefined = required (e.g. Dense's units). null = optional with no value. */
  readonly default?: unknown;
  readonly min?: number;
  readonly max?: number;
  readonly choices?: readonly string[];
  readonly doc: string;
}

export interface PortSpec {
  readonly name: string;
  readonly doc: string;
  /** Several edges may feed this port (e.g. Concurrent's branches are children, not ports). */
  readonly variadic?: boolean;
  /**
   * May stay unconnected (MultiHeadAttention's key-padding mask, a recurrent layer's begin state):
   * the layer then sees `undefined` in that port's place (shapes and forward arguments alike;
   * the ONNX emitter sees '', ONNX's name for an absent optional input).
   */
  readonly optional?: boolean;
}

export type Attrs = Readonly<Record<string, unknown>>;
/** -1 marks a dimension not known yet (the batch axis, or anything before the first batch). */
export type ShapeLike = readonly number[];

export interface ParamSpec {
  /** Short name; the full name is the block prefix + this (dense0_weight). */
  readonly name: string;
  /** Shape given the attributes and, when known, the input shape (-1 for unknown dims). */
  shape(attrs: Attrs, input?: ShapeLike): number[];
  /** The parameter's own init (wins over the block-level one); null = the block-level init. */
  readonly init: string | null;
  /** False when an attribute turns the parameter off (Dense with useBias false). */
  present?(attrs: Attrs): boolean;
  /**
   * Set when a child block the layer creates holds the parameter (FancyMLP's inner Dense): the
   * child's name hint. The child is named by the naming counter (`dense4`), so documents can
   * predict full parameter names (`dense4_weight`) without building.
   */
  readonly owner?: string;
  /** A constant (params.getConstant): never trained. */
  readonly constant?: boolean;
}

/** Palette groups, in the order the editor shows them. */
export type LayerCategory =
  | 'core'
  | 'embedding'
  | 'convolution'
  | 'pooling'
  | 'recurrent'
  | 'attention'
  | 'normalization'
  | 'activation'
  | 'merge'
  | 'shape'
  | 'sequence'
  | 'regularization'
  | 'structure';

export interface LayerSpec {
  readonly kind: string;
  readonly category: LayerCategory;
  readonly doc: string;
  readonly attrs: readonly AttrSpec[];
  readonly inputs: readonly PortSpec[];
  readonly outputs: readonly PortSpec[];
  readonly params: readonly ParamSpec[];
  /**
   * The layer runs code of the user's (a Lambda's function, a Code block's source), which may keep
   * its input or output arrays past the call: an eager container then frees no intermediate array
   * around it (Block.keepsNoArrays, engine/nn/intermediates.ts).
   */
  readonly runsUserCode?: true;
  /** Parameters that depend on the attributes beyond `present` (a code block's declarations); wins over `params`. */
  paramsOf?(attrs: Attrs): readonly ParamSpec[];
  /** Output shape from the input shapes (-1 dims pass through). */
  outputShape(attrs: Attrs, inputs: readonly ShapeLike[]): number[];
  /**
   * Every output port's shape, in port order, for a kind with several (a recurrent layer's final
   * states) or whose ports depend on its attributes (a code block's declared outputs); absent: the
   * one `outputShape`. The layer's `callOutputs` returns them in that order.
   */
  outputShapes?(attrs: Attrs, inputs: readonly ShapeLike[]): number[][];
  /** The repr Gluon prints for a layer with these attributes (and input shape when known). */
  repr(attrs: Attrs, input?: ShapeLike): string;
  /** Floating-point operations of one forward (a multiply-add counts 2); absent = elementwise, 0. */
  flops?(attrs: Attrs, inputs: readonly ShapeLike[]): number;
  /** How the kind is written to ONNX (opset 17); absent or `{unsupported}` = the exporter names the node and refuses. */
  readonly onnx?: OnnxExport;
  /** The ONNX pattern the kind reads back (engine/import/onnx); absent = no operator imports as this kind. */
  readonly onnxImport?: OnnxImport;
  /** How the kind is written as code; a target left out is refused with a generic reason. */
  readonly code?: LayerCode;
  /**
   * Parameters that are state, not weights (BatchNorm's running statistics): updated by the
   * forward in training, never by the optimizer, saved and loaded with the others.
   */
  readonly stateParams?: readonly string[];
  /** The layer from its attributes (defaults filled in); `options` sets its prefix or shared parameters. */
  create(attrs: Record<string, unknown>, options: BlockOptions): Block;
}

/** A target the kind cannot be written to, and why (the exporter names the node and refuses). */
export interface Unsupported {
  readonly unsupported: string;
}

/** What a code writer sees of one layer of the exported graph. */
export interface CodeSite {
  /** The attributes with defaults filled in. */
  readonly attrs: Attrs;
  /** Variable names of the inputs in forward(), in port (and edge) order, and their shapes (-1 = unknown). */
  readonly inputs: readonly string[];
  readonly inputShapes: readonly ShapeLike[];
  /**
   * Variable names of the outputs, in port order; '' for an extra port nobody reads. A writer's
   * `assignAll` is used when some extra port is read.
   */
  readonly outputs: readonly string[];
  /** The expression naming the layer's module or child (`self.conv0`, `this.conv0`). */
  readonly self: string;
  /** The layer's parameter prefix (`conv0_`), which Gluon and engine children take. */
  readonly prefix: string;
  /** Set when every parameter is another layer's (tied): that layer's module expression. */
  readonly tiedTo: string | null;
}

/** A kind in PyTorch or Gluon 1.x code. */
export interface PythonLayerCode {
  /** The module (PyTorch) or child block (Gluon) made in __init__; absent or null: forward() uses functions only. */
  module?(s: CodeSite): string | null;
  /** The expression of the layer's output in forward(). */
  forward(s: CodeSite): string;
  /** The statement binding every output (`y, (hn, cn) = self.lstm0(x)`), for a kind with several output ports. */
  assignAll?(s: CodeSite): string;
  /** state_dict names that differ from the parameters' short names (BatchNorm's gamma is PyTorch's weight). */
  readonly stateNames?: Readonly<Record<string, string>>;
  /** Parameters the framework's module keeps transposed relative to the engine's (MyDense's (in, out) weight). */
  readonly transposed?: readonly string[];
  /** Top-level Python the module needs (a class definition), written once per file; a function when it depends on the layer. */
  readonly preamble?: string | ((s: CodeSite) => string | null);
}

/** A kind in engine TypeScript code. */
export interface TypeScriptLayerCode {
  /** The child's class (for the field's type; `examples.X` for the chapter's blocks) and its construction; null: none. */
  child(s: CodeSite): { type: string; make: string } | null;
  /** The output expression; absent: `this.<attr>.call(inputs)`. */
  forward?(s: CodeSite): string;
  /** The statement binding every output (`const [y, [hn, cn]] = ...`), for a kind with several output ports. */
  assignAll?(s: CodeSite): string;
  /** Engine exports the forward expression uses (np). */
  readonly imports?: readonly string[];
}

export interface LayerCode {
  readonly pytorch?: PythonLayerCode | Unsupported;
  readonly gluon?: PythonLayerCode | Unsupported;
  readonly typescript?: TypeScriptLayerCode | Unsupported;
}

/** An ONNX attribute value: an int (or int list), `{float}` for a float, or a string. */
export type OnnxAttr = number | readonly number[] | { readonly float: number } | string;

/**
 * What a descriptor's ONNX mapping sees and emits through (engine/export/onnx builds it), so the
 * mapping stays next to the layer's other facts without importing the exporter.
 */
export interface OnnxEmitter {
  /** The attributes with defaults filled in. */
  readonly attrs: Attrs;
  /** ONNX value names of the inputs, in port (and edge) order, and their shapes (-1 = unknown). */
  readonly inputs: readonly string[];
  readonly inputShapes: readonly ShapeLike[];
  /** The initializer name holding one of this layer's parameters (`weight` → dense0_weight). */
  param(name: string): string;
  /** A float32 constant (an initializer); shape [] for a scalar. */
  constant(values: readonly number[], shape?: readonly number[]): string;
  /** An int64 constant (Reshape's shape, Pad's pads); shape [n] by default. */
  ints(values: readonly number[], shape?: readonly number[]): string;
  /** Adds a node and returns the name of its (single) output. */
  node(opType: string, inputs: readonly string[], attributes?: Readonly<Record<string, OnnxAttr>>): string;
  /** Adds a node with `count` outputs (LSTM's Y, Y_h, Y_c) and returns their names. */
  nodeOutputs(opType: string, inputs: readonly string[], count: number, attributes?: Readonly<Record<string, OnnxAttr>>): string[];
}

/**
 * The mapping returns the name of the layer's output value, or one per output port for a kind
 * with several; `unsupported` says why there is none.
 */
export type OnnxExport = ((e: OnnxEmitter) => string | readonly string[]) | Unsupported;

/** A constant input of an ONNX node (an initializer or a Constant node's value), as float64 values. */
export interface OnnxConstant {
  readonly shape: readonly number[];
  readonly values: Float64Array;
}

/**
 * What a kind's ONNX reading sees of one node (engine/import/onnx builds it), so the pattern stays
 * next to the layer's other facts without importing the importer.
 */
export interface OnnxNodeView {
  readonly opType: string;
  readonly name: string;
  /** The opset of the default domain (7..21): a few operators changed meaning between opsets. */
  readonly opset: number;
  /** An attribute's value (int, float, string, or a list of them), or `fallback` when absent. */
  attr(name: string, fallback: number): number;
  attr(name: string, fallback: string): string;
  attr<T>(name: string, fallback: T): T;
  /** The node's number of inputs (an empty name counts: an optional input left out). */
  readonly inputCount: number;
  /** Input i's value when it is a constant, else null (a run-time value, or absent). */
  constant(i: number): OnnxConstant | null;
  /** Input i's shape as the imported layers give it (-1 = unknown), or null when not known. */
  inputShape(i: number): readonly number[] | null;
}

/** What a kind makes of one node: its attributes, parameter values and which inputs are edges. */
export interface OnnxRead {
  readonly attrs: Record<string, unknown>;
  /** Parameter short name → its value (already in the engine's layout: transposed, scaled, ...). */
  readonly params?: Readonly<Record<string, OnnxConstant>>;
  /** The node's inputs that become edges into the layer's ports, in order (default [0]). */
  readonly data?: readonly number[];
  /** Zero padding the layer cannot hold (asymmetric pads), ONNX `pads` order: a Pad node goes before it. */
  readonly prePad?: readonly number[];
}

/**
 * How a kind reads ONNX back: the operators it takes and how one node's attributes and constant
 * inputs become the kind's attributes and parameter values. `read` returns `{unsupported}` when
 * this node does not fit the kind (another kind with the same operator may take it, e.g. Conv1D
 * and Conv2D both read Conv); fusions across nodes (an activation into the layer before it,
 * MatMul + Add into one Dense) are the importer's.
 */
export interface OnnxImport {
  readonly ops: readonly string[];
  read(n: OnnxNodeView): OnnxRead | Unsupported;
}

export const isUnsupported = (x: unknown): x is Unsupported => typeof x === 'object' && x !== null && 'unsupported' in x;

/** A layer's parameter descriptors with these attributes (static `params`, or the kind's `paramsOf`). */
export const specParams = (spec: LayerSpec, attrs: Attrs): readonly ParamSpec[] => (spec.paramsOf ? spec.paramsOf(attrs) : spec.params);

/** Attributes with defaults filled in (required ones must be present). */
export function withDefaults(spec: LayerSpec, attrs: Attrs): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of spec.attrs) {
    const v = attrs[a.name] ?? a.default;
    if (v === undefined) throw modelErrors.block(spec.kind, `attribute '${a.name}' is required (${a.doc}).`);
    out[a.name] = v;
  }
  return out;
}

/**
 * Runs a shape rule (the same one shape inference uses) on real arrays in a forward, turning its
 * message into the model error that names the layer.
 */
export function shapeRule<T>(layer: string, rule: () => T): T {
  try {
    return rule();
  } catch (error) {
    throw modelErrors.block(layer, (error as Error).message);
  }
}

/**
 * A size attribute of the spatial kinds (kernel, strides, padding, ...) as one value per spatial
 * axis: a single value (or a one-element list) applies to every axis.
 */
export function perAxis(name: string, v: unknown, nd: number, min: number): number[] {
  const list = typeof v === 'number' ? [v] : Array.isArray(v) ? (v as number[]) : [];
  const out = list.length === 1 ? new Array<number>(nd).fill(list[0]!) : list;
  if (out.length !== nd || out.some((d) => !Number.isInteger(d) || d < min)) {
    throw new Error(`${name} must be ${nd === 1 ? 'one integer' : `${nd} integers (or one for all axes)`} ≥ ${min}, got ${JSON.stringify(v)}`);
  }
  return out;
}

export const product = (dims: readonly number[]): number => dims.reduce((a, b) => (a < 0 || b < 0 ? -1 : a * b), 1);

export const ONE_INPUT: readonly PortSpec[] = [{ name: 'data', doc: 'input array' }];
export const ONE_OUTPUT: readonly PortSpec[] = [{ name: 'output', doc: 'result' }];
