// The building blocks every method group of the service API shares (service-api.ts assembles the
// groups): the method record and the request fields that recur (document and run ids, paths,
// parameter names, value limits, seeds). Pure.
import { z } from 'zod';

/** One method: its doc (docs/service.md is generated from it), the params schema, the result schema. */
export function method<P extends z.ZodType, R extends z.ZodType>(doc: string, params: P, result: R) {
  return { doc, params, result };
}

export const zDocId = z.string().min(1).max(200);
export const zPath = z.string().min(1).max(4096);
export const zParamName = z.string().min(1).max(1000);
export const zRunId = z.string().min(1).max(200);
/** Results carry at most this many values per array unless the request asks for fewer. */
export const zMaxValues = z
  .number()
  .int()
  .min(0)
  .max(1 << 22);
/** A random seed (a non-negative 31-bit integer), as builds, initializers and sampling take it. */
export const zSeed = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31 - 1);
