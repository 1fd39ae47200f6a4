// The service methods about the engine itself and what the editor's tools ask of it: liveness,
// devices, a diagnostic benchmark, the layer catalog, code checks and the shipped examples. One
// method group of service-api.ts, which assembles them. Pure.
import { z } from 'zod';
import { method } from './api-fields.ts';
import { zDeviceInfo, zDeviceName } from './service-values.ts';

/** A layer kind's descriptor as data (engine/nn/layers/layer-spec.ts without its shape functions). */
export const zLayerInfo = z.object({
  kind: z.string(),
  category: z.string(),
  doc: z.string(),
  attrs: z.array(
    z.object({
      name: z.string(),
      type: z.string(),
      default: z.unknown().optional(),
      required: z.boolean(),
      min: z.number().optional(),
      max: z.number().optional(),
      choices: z.array(z.string()).optional(),
      doc: z.string(),
    }),
  ),
  inputs: z.array(z.object({ name: z.string(), doc: z.string(), variadic: z.boolean().optional(), optional: z.boolean().optional() })),
  outputs: z.array(z.object({ name: z.string(), doc: z.string() })),
  params: z.array(z.object({ name: z.string(), init: z.string().nullable(), constant: z.boolean().optional() })),
});
export type LayerInfo = z.infer<typeof zLayerInfo>;

/** Liveness and devices (first in the API, as in its reference). */
export const systemMethods = {
  ping: method(
    'Engine liveness and identity (the pid changes when the engine restarts).',
    z.object({}).strict(),
    z.object({ pid: z.number(), uptimeSeconds: z.number(), node: z.string() }),
  ),

  listDevices: method(
    'Devices the engine can compute on; gpuReason says why there is no GPU.',
    z.object({}).strict(),
    z.object({ devices: z.array(zDeviceInfo), gpuCount: z.number().int(), gpuReason: z.string().nullable(), cpuThreads: z.number() }),
  ),
} as const;

/** Diagnostics, catalogs, code checks and examples. */
export const toolMethods = {
  matmulBenchmark: method(
    'Repeated n×n matmuls: a long, cancellable request (diagnostics and tests).',
    z.object({ size: z.number().int().min(1).max(8192), repeats: z.number().int().min(1).max(100000), device: zDeviceName.optional() }).strict(),
    z.object({ repeats: z.number().int(), seconds: z.number(), gflops: z.number(), checksum: z.number() }),
  ),

  layerCatalog: method(
    'Every registered layer kind as data (category, attributes, ports, parameters) and the initializer names: what palettes and forms are built from.',
    z.object({}).strict(),
    z.object({ layers: z.array(zLayerInfo), initializers: z.array(z.string()) }),
  ),

  checkCode: method(
    "A code block's type and syntax errors against the engine API the sandbox serves (TypeScript's checker; nothing runs, so no trust is needed).",
    z.object({ source: z.string().max(1_000_000) }).strict(),
    z.object({
      diagnostics: z.array(
        z.object({
          /** 1-based line and column where the error starts, and where it ends. */
          line: z.number().int(),
          column: z.number().int(),
          endLine: z.number().int(),
          endColumn: z.number().int(),
          message: z.string(),
          /** TypeScript's code: TS2339, ... */
          code: z.string(),
        }),
      ),
    }),
  ),

  exampleNames: method('Names of the example documents shipped in assets/examples.', z.object({}).strict(), z.object({ names: z.array(z.string()) })),

  loadExample: method('One example document by name.', z.object({ name: z.string().min(1).max(200) }).strict(), z.object({ document: z.unknown() })),
} as const;
