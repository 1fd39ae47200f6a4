// The service methods about a built model's parameters: the table, one parameter's values, setting
// them, (re)initializing, and saving / loading parameter files. One method group of service-api.ts. Pure.
import { z } from 'zod';
import { method, zDocId, zMaxValues, zParamName, zPath, zSeed } from './api-fields.ts';
import {
  zArrayFileFormat,
  zAxisRange,
  zDeviceName,
  zDType,
  zFileEntryReport,
  zHistogram,
  zParameterRow,
  zShape,
  zStats,
  zTensorInput,
  zTensorOutput,
} from './service-values.ts';

/** An initializer by registered name ('xavier', 'normal') with optional arguments. */
const zInitSpec = z.union([z.string().min(1).max(100), z.tuple([z.string().min(1).max(100), z.record(z.string(), z.unknown())])]);

/** initialize and forceReinit take the same request and answer the same way. */
const zInitializeParams = z
  .object({
    docId: zDocId,
    names: z.array(zParamName).max(100000).optional(),
    init: zInitSpec.optional(),
    device: zDeviceName.optional(),
    seed: zSeed.optional(),
  })
  .strict();
const zInitializeResult = z.object({ initialized: z.array(z.string()), deferred: z.array(z.string()), skipped: z.array(z.string()) });

export const parameterMethods = {
  parameterTable: method(
    'Every parameter of the built model: name, shape, dtype, state, initializer, ties, place in the block tree, statistics and a histogram.',
    z
      .object({
        docId: zDocId,
        statistics: z.boolean().optional(),
        /** Histogram bins per row with statistics (default 20; 0: none). */
        bins: z.number().int().min(0).max(200).optional(),
      })
      .strict(),
    z.object({ parameters: z.array(zParameterRow) }),
  ),

  parameterValues: method(
    "A slice of one parameter's values, its histogram and summary statistics; gradient: true adds the same slice of its gradient.",
    z
      .object({
        docId: zDocId,
        name: zParamName,
        slice: z.array(zAxisRange).max(32).optional(),
        bins: z.number().int().min(1).max(1000).optional(),
        maxValues: zMaxValues.optional(),
        /** Also the same slice of the gradient (null in the result when the parameter has none). */
        gradient: z.boolean().optional(),
      })
      .strict(),
    z.object({
      name: z.string(),
      shape: zShape,
      dtype: zDType,
      slice: z.object({ start: z.array(z.number()), shape: zShape }),
      values: zTensorOutput,
      stats: zStats,
      histogram: zHistogram,
      gradient: z.object({ values: zTensorOutput, stats: zStats }).nullable().optional(),
    }),
  ),

  setParameter: method(
    "Overwrites one parameter's values (given data, or one fill value); with `index`, only the element " +
      '(a full index) or the sub-array (a leading index) there: net[0].weight.data()[0, 0] = 42.',
    z
      .object({
        docId: zDocId,
        name: zParamName,
        value: z.union([zTensorInput, z.object({ fill: z.number() })]),
        index: z
          .array(
            z
              .number()
              .int()
              .nonnegative()
              .max(2 ** 40),
          )
          .max(32)
          .optional(),
      })
      .strict(),
    z.object({ name: z.string(), shape: zShape, dtype: zDType, stats: zStats }),
  ),

  initialize: method('Initializes parameters not yet initialized (all, or the named ones).', zInitializeParams, zInitializeResult),

  forceReinit: method('Re-initializes parameters even when initialized (all, or the named ones).', zInitializeParams, zInitializeResult),

  saveParameters: method(
    "Writes the model's parameters (format from the extension or `format`).",
    z.object({ docId: zDocId, path: zPath, format: zArrayFileFormat.optional(), fullNames: z.boolean().optional() }).strict(),
    z.object({ path: z.string(), format: zArrayFileFormat, entries: z.array(zFileEntryReport) }),
  ),

  loadParameters: method(
    "Reads parameters into the model; the report names every key's fate.",
    z
      .object({ docId: zDocId, path: zPath, allowMissing: z.boolean().optional(), ignoreExtra: z.boolean().optional(), castDtype: z.boolean().optional() })
      .strict(),
    z.object({ path: z.string(), format: zArrayFileFormat, entries: z.array(zFileEntryReport) }),
  ),
} as const;
