// mapForeignWeights: another framework's weights file (safetensors or .npz with PyTorch's
// `layer1.0.conv1.weight` or Gluon's names) against a document's model, the mapping answered
// before anything changes (matched, missing, unexpected, shape mismatches; engine/import/weights)
// and, with apply, the matched values set — refused while a shape differs, or while keys are
// missing or unexpected that allowMissing / ignoreExtra do not accept.
import { isHostTensor, type HostTensor } from '../../io/host-tensor.ts';
import { readArrayFile } from '../../io/array-file.ts';
import { applyForeignWeights, mapForeignWeights as mapWeights } from '../../import/weights/foreign-weights.ts';
import { ServiceError } from '../../protocol/service-protocol.ts';
import type { Handler } from '../dispatcher.ts';

export const mapForeignWeights: Handler<'mapForeignWeights'> = async (params, ctx) => {
  const { model } = ctx.session.model(params.docId);
  let content: Awaited<ReturnType<typeof readArrayFile>>;
  try {
    content = await readArrayFile(params.path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ServiceError('E_FILE_NOT_FOUND', `${params.path} does not exist`, { path: params.path });
    throw error;
  }
  if (isHostTensor(content) || Array.isArray(content)) throw new ServiceError('E_LOAD_FORMAT', `${params.path} holds unnamed arrays, not named weights`);
  const tensors = content as Record<string, HostTensor>;
  const mapping = mapWeights(model, tensors);
  let applied = 0;
  if (params.apply) {
    const why = [
      mapping.shapeMismatches.length ? `${mapping.shapeMismatches.length} shape mismatch(es)` : '',
      mapping.missing.length && !params.allowMissing ? `${mapping.missing.length} parameter(s) the file does not fill (allowMissing)` : '',
      mapping.unexpected.length && !params.ignoreExtra ? `${mapping.unexpected.length} key(s) that fill nothing (ignoreExtra)` : '',
    ].filter((s) => s);
    if (why.length) throw new ServiceError('E_LOAD_MISMATCH', `${params.path} was not applied: ${why.join(', ')}`, { mapping });
    applied = applyForeignWeights(model, tensors, mapping);
  }
  return { path: params.path, ...mapping, applied };
};
