// The model an export writes: the document built, its parameters initialized by one forward on
// the input shape (so deferred shapes are known), then overwritten from a parameter file if given.

import { buildModel, type BuiltModel } from '../graph/build.ts';
import { runModel } from '../graph/run.ts';
import type { GraphDocument } from '../protocol/graph-document.ts';

export interface PrepareOptions {
  /** A parameter file (.params, .npz, .safetensors; structural or full names) to load. */
  params?: string;
}

/** Builds and initializes the document's model; with `params`, the file's values replace the initial ones. */
export async function prepareModel(doc: GraphDocument, options: PrepareOptions = {}): Promise<BuiltModel> {
  const model = buildModel(doc);
  runModel(model, []);
  if (options.params !== undefined) await model.net.loadParameters(options.params);
  return model;
}
