// Value shapes shared by the engine service's methods: devices, tensors on the wire, problems,
// parameter rows, file reports. Pure zod (no Node, no engine), so the renderer may import it.
import { z } from 'zod';

/** Dtypes an array can have in the engine. */
export const zDType = z.enum(['float32', 'float64', 'int32', 'int64', 'uint8', 'bool']);
export type DTypeName = z.infer<typeof zDType>;

/** A shape: non-negative integer dims, bounded rank (the file readers refuse more than 32). */
export const zShape = z
  .array(
    z
      .number()
      .int()
      .nonnegative()
      .max(2 ** 40),
  )
  .max(32);

/** A shape where -1 marks a dimension not known yet (the batch, or a deferred parameter). */
export const zShapeWithUnknown = z
  .array(
    z
      .number()
      .int()
      .min(-1)
      .max(2 ** 40),
  )
  .max(32);

/** `cpu`, `cpu:0`, `gpu`, `gpu:1`: the device a request runs on. */
export const zDeviceName = z.string().regex(/^(cpu|gpu)(:\d{1,3})?$/, 'expected cpu, cpu:N, gpu or gpu:N');

/**
 * A number on the wire. JSON has no NaN or infinities, so those travel as strings; int64 values
 * travel as numbers (exact up to 2^53).
 */
export const zWireNumber = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])]);
export type WireNumber = z.infer<typeof zWireNumber>;

/** The most values one request may carry inline (arrays beyond this go through files). */
export const MAX_INLINE_VALUES = 1 << 22;

/** An array sent to the engine: C-order values and the shape they fill. */
export const zTensorInput = z
  .object({
    shape: zShape,
    dtype: zDType.optional(),
    data: z.array(zWireNumber).max(MAX_INLINE_VALUES),
  })
  .refine((t) => t.data.length === t.shape.reduce((n, d) => n * d, 1), {
    message: 'data must hold exactly prod(shape) values',
    path: ['data'],
  });
export type TensorInput = z.infer<typeof zTensorInput>;

/** An array coming back: the shape and dtype, and the first values (all of them unless truncated). */
export const zTensorOutput = z.object({
  shape: zShape,
  dtype: zDType,
  data: z.array(zWireNumber),
  truncated: z.boolean(),
});
export type TensorOutput = z.infer<typeof zTensorOutput>;

/** Summary statistics, computed in the engine (float64 accumulation); NaN when empty. */
export const zStats = z.object({
  count: z.number(),
  mean: zWireNumber,
  std: zWireNumber,
  min: zWireNumber,
  max: zWireNumber,
});
export type Stats = z.infer<typeof zStats>;

/** One problem found in a document, with the place it belongs to (mirrors engine/graph's Problem). */
export const zProblem = z.object({
  code: z.string(),
  message: z.string(),
  severity: z.enum(['error', 'warning']),
  nodeId: z.string().optional(),
  port: z.string().optional(),
  param: z.string().optional(),
  blockId: z.string().optional(),
  path: z.union([z.string(), z.array(z.union([z.string(), z.number()]))]).optional(),
});
export type ProblemInfo = z.infer<typeof zProblem>;

export const zDeviceInfo = z.object({
  name: z.string(), // 'cpu:0', 'gpu:1'
  type: z.enum(['cpu', 'gpu']),
  index: z.number().int(),
  available: z.boolean(),
});

export const zHistogram = z.object({
  /** bins + 1 edges from min to max. */
  edges: z.array(z.number()),
  counts: z.array(z.number().int()),
  /** Values left out because they were NaN or infinite. */
  nonFinite: z.number().int(),
});

export const zParamState = z.enum(['uninitialized', 'deferred', 'initialized']);

/** One row of the parameter table, in collectParams order; a tied parameter appears once. */
export const zParameterRow = z.object({
  name: z.string(),
  shape: zShapeWithUnknown.nullable(),
  dtype: zDType,
  state: zParamState,
  /** The initializer as a spec string, e.g. 'xavier' or '["normal",{"sigma":0.01}]'; null = block default. */
  initializer: z.string().nullable(),
  /** The other names under which this same parameter is reachable (ties), empty when not tied. */
  tiedTo: z.array(z.string()),
  /** The Gluon name of the block using the parameter at each tiedTo path, in the same order ('dense2' for '2.weight'). */
  tiedToBlocks: z.array(z.string()).optional(),
  gradReq: z.enum(['write', 'add', 'null']),
  /** False for state the layer updates itself (BatchNorm's running statistics): not trained. */
  differentiable: z.boolean().optional(),
  stats: zStats.nullable(),
  /** The structural path of the parameter's first use ('0.weight'), for the panel's tree. */
  path: z.string().optional(),
  /** Names of the blocks from the model's root down to the block that owns the parameter. */
  blocks: z.array(z.string()).optional(),
  /** Histogram of the values (with statistics, when bins > 0); null when not initialized. */
  histogram: zHistogram.nullable().optional(),
});
export type ParameterRow = z.infer<typeof zParameterRow>;

/** The short form the CLI prints and `--json` emits. */
export const zParameterBrief = z.object({ name: z.string(), shape: zShapeWithUnknown.nullable(), dtype: zDType });
export type ParameterBrief = z.infer<typeof zParameterBrief>;

export const zArrayFileFormat = z.enum(['mxnet', 'npy', 'npz', 'safetensors']);

/** One name in a save or load: what happened to it and why. */
export const zFileEntryReport = z.object({
  name: z.string(),
  status: z.enum(['saved', 'loaded', 'missing', 'extra', 'shape-mismatch', 'dtype-mismatch', 'read']),
  shape: zShape.optional(),
  dtype: z.string().optional(),
  expectedShape: zShapeWithUnknown.nullable().optional(),
  message: z.string().optional(),
});
export type FileEntryReport = z.infer<typeof zFileEntryReport>;

/** A half-open range [start, stop) along one axis; omitted ends mean the whole axis. */
export const zAxisRange = z.object({
  start: z.number().int().nonnegative().optional(),
  stop: z.number().int().nonnegative().optional(),
});

/** A document to work on: one the session holds (docId), or given inline. */
export const zDocumentRef = z.union([z.object({ docId: z.string().min(1).max(200) }), z.object({ document: z.record(z.string(), z.unknown()) })]);
