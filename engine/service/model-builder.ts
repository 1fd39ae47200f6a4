// Builds (or reuses) the model of an open document: the graph layer makes the Block tree, this
// file decides when a built model is still good, seeds the random stream, and finishes any
// initialization the document left to the engine (deferred until the first batch, as in Gluon).
import type { Device, NDArray } from '../index.ts';
import { buildModel, validateDocument, type BuiltModel } from '../graph/index.ts';
import { problemsOf } from '../graph/validated.ts';
import { deviceName } from './device-name.ts';
import { invalidDocument } from './invalid-document.ts';
import type { OpenDocument } from './session.ts';

export interface BuildRequest {
  device: Device;
  seed?: number | undefined;
  rebuild?: boolean | undefined;
}

/**
 * The document's model on `device`. A model is rebuilt (fresh parameters) when there is none, when
 * asked, or when a seed is given (the same seed must give the same parameters); otherwise the
 * built one is reused, moved to `device` if needed, so values set or loaded stay.
 */
export function ensureModel(entry: OpenDocument, request: BuildRequest): BuiltModel {
  const name = deviceName(request.device);
  const stale = !entry.model || request.rebuild || request.seed !== undefined;
  if (!stale) {
    // Another device: move the parameters (values set or loaded by the user survive the move).
    if (entry.device !== name) {
      for (const p of entry.model!.net.collectParams().values()) if (p.state !== 'uninitialized') p.resetDevice(request.device);
      entry.device = name;
    }
    return entry.model!;
  }
  // Validated when opened (parseDocument): the remembered problems, not a second validation.
  const problems = problemsOf(entry.document, validateDocument);
  if (problems.some((p) => p.severity === 'error')) throw invalidDocument(problems);
  entry.model = null; // a failed build must not leave the old model looking current
  // The same seed gives the same parameters: the document's own seed unless the request names one.
  // buildModel seeds the stream itself (FancyMLP's random constant is drawn while building).
  const model = buildModel(entry.document, { seed: request.seed ?? entry.document.seed });
  initializeRemaining(model, request.device);
  entry.model = model;
  entry.device = name;
  return model;
}

/** Parameters the document did not initialize get their own init (else Uniform), deferred when shapes wait for data. */
function initializeRemaining(model: BuiltModel, device: Device): void {
  for (const p of model.net.collectParams().values()) {
    if (p.state === 'uninitialized') p.initialize(null, { device });
    else if (p.state === 'initialized' && p.listDevices()[0] !== device) p.resetDevice(device);
  }
}

/**
 * Frees what a model's parameters hold (values and gradients) and forgets the model: after a
 * forward that failed on a freshly built model, nothing it allocated stays behind.
 */
export function releaseModel(entry: OpenDocument, model: BuiltModel): void {
  if (entry.model === model) entry.model = null;
  for (const p of model.net.collectParams().values()) {
    if (p.state !== 'initialized') continue;
    for (const a of [...p.listData(), ...(p.gradReq === 'null' ? [] : safeGrads(p))]) if (!a.isDisposed) a.dispose();
  }
}

function safeGrads(p: { listGrad(): NDArray[] }): NDArray[] {
  try {
    return p.listGrad();
  } catch {
    return [];
  }
}
