// The service methods that read and write array files (.npy, .npz, .params, .safetensors) outside
// any model. One method group of service-api.ts. Pure.
import { z } from 'zod';
import { method, zMaxValues, zPath } from './api-fields.ts';
import { zArrayFileFormat, zDType, zFileEntryReport, zShape, zTensorInput, zTensorOutput } from './service-values.ts';

export const arrayMethods = {
  saveArrays: method(
    'Writes arrays (one, a list or named) to an array file.',
    z
      .object({
        path: zPath,
        format: zArrayFileFormat.optional(),
        arrays: z.union([zTensorInput, z.array(zTensorInput).max(10000), z.record(z.string().min(1).max(1000), zTensorInput)]),
      })
      .strict(),
    z.object({ path: z.string(), format: zArrayFileFormat, entries: z.array(zFileEntryReport) }),
  ),

  loadArrays: method(
    'Reads an array file; values up to maxValues per array (0: names, shapes, dtypes only).',
    z.object({ path: zPath, maxValues: zMaxValues.optional() }).strict(),
    z.object({
      path: z.string(),
      format: zArrayFileFormat,
      kind: z.enum(['single', 'list', 'named']),
      entries: z.array(z.object({ name: z.string(), shape: zShape, dtype: zDType, values: zTensorOutput.optional() })),
    }),
  ),
} as const;
