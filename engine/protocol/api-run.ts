// The service method that runs a document's model: forward, with its input (random, given or from
// a file) and what it can answer besides outputs (attention maps, the parameter rows). One method
// group of service-api.ts. Pure.
import { z } from 'zod';
import { method, zDocId, zMaxValues, zPath, zSeed } from './api-fields.ts';
import { zDeviceName, zParameterBrief, zParameterRow, zShape, zShapeWithUnknown, zTensorInput, zTensorOutput } from './service-values.ts';

export const runMethods = {
  forward: method(
    "Runs one forward pass of the document's model, building it first when there is none. " +
      'A seed or rebuild builds fresh parameters; otherwise the model (and any values set or loaded) is reused.',
    z
      .object({
        docId: zDocId,
        inputShape: zShape.optional(),
        input: z.array(zTensorInput).max(16).optional(),
        /** Input read by the engine from an array file: the named array, or the file's first one; it must fit the document's input shape (-1: any size). */
        inputFile: z
          .object({ path: zPath, name: z.string().min(1).max(1000).optional() })
          .strict()
          .optional(),
        device: zDeviceName.optional(),
        seed: zSeed.optional(),
        /** Rebuild the model (fresh parameters) even when one is already built. */
        rebuild: z.boolean().optional(),
        maxValues: zMaxValues.optional(),
        /** Also answer each MultiHeadAttention layer's attention weights (attention maps). */
        attention: z.boolean().optional(),
        /** Also answer the parameter table (as parameterTable after the pass): the editor's one request per Run. */
        parameterTable: z
          .object({ statistics: z.boolean().optional(), bins: z.number().int().min(0).max(200).optional() })
          .strict()
          .optional(),
      })
      .strict()
      .refine((p) => [p.inputShape, p.input, p.inputFile].filter((x) => x !== undefined).length <= 1, {
        message: 'give one of inputShape, input or inputFile',
        path: ['input'],
      }),
    z.object({
      outputs: z.array(zTensorOutput),
      edgeShapes: z.record(z.string(), zShapeWithUnknown),
      parameters: z.array(zParameterBrief),
      device: z.string(),
      seconds: z.number(),
      /** Where the input came from (random of a shape, the request's data, or a file's array). */
      input: z
        .object({ source: z.enum(['random', 'given', 'file']), shapes: z.array(zShape), path: z.string().optional(), name: z.string().optional() })
        .optional(),
      /** With attention: true, per MultiHeadAttention layer (node key as in inferShapes, layer name) its weights (N, heads, Tq, Tk), each row summing to 1. */
      attention: z.array(z.object({ node: z.string(), name: z.string(), weights: zTensorOutput })).optional(),
      /** With parameterTable: the rows parameterTable answers. */
      parameterRows: z.array(zParameterRow).optional(),
    }),
  ),
} as const;
