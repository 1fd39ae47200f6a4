// Checkpoints: everything a run needs to continue exactly where it stopped — parameter values,
// optimizer state, and the position (epoch, batch, update count, seed, running metrics) — in one
// .npz written atomically by the io layer (temp file, fsync, rename), so a crash mid-write leaves
// the previous checkpoint intact. numpy can read it: np.load('checkpoint-step100.npz').
//
// Keys: `param/<name>`, `opt/<name>/<slot>`, and `meta` (the JSON position, as uint8 bytes).

import type { NDArray } from '../ndarray/ndarray.ts';
import type { Device } from '../ndarray/device.ts';
import { readArrayFileInfo, writeArrayFile } from '../io/array-file.ts';
import type { HostTensor } from '../io/host-tensor.ts';
import { fromHostTensor, toHostTensor } from '../io/ndarray-files.ts';
import type { EpochRecord } from '../schema/training-config.ts';
import { DataError } from './data/data-error.ts';

export const CHECKPOINT_FORMAT = 'blocksmith.checkpoint';

export interface CheckpointMeta {
  format: typeof CHECKPOINT_FORMAT;
  version: 1;
  /** Updates done; the next update is step + 1. */
  step: number;
  epoch: number;
  /** Batches of `epoch` already done. */
  batch: number;
  numUpdate: number;
  seed: number;
  batchSize: number;
  optimizer: { kind: string; hyperParameters: Record<string, number | string | null> };
  /** This epoch's running sums, so the epoch's metrics continue seamlessly. */
  running: { lossSum: number; lossCount: number; correct: number; count: number };
  history: EpochRecord[];
}

export interface CheckpointContent {
  meta: CheckpointMeta;
  params: Record<string, NDArray>;
  optimizer: Record<string, NDArray>;
}

export async function writeCheckpoint(path: string, content: CheckpointContent): Promise<void> {
  const record: Record<string, HostTensor> = {};
  for (const [name, a] of Object.entries(content.params)) record[`param/${name}`] = toHostTensor(a);
  for (const [key, a] of Object.entries(content.optimizer)) record[`opt/${key}`] = toHostTensor(a);
  const bytes = new TextEncoder().encode(JSON.stringify(content.meta));
  record.meta = { dtype: 'uint8', shape: [bytes.length], data: bytes };
  await writeArrayFile(path, record, { format: 'npz' });
}

export async function readCheckpoint(path: string, device: Device): Promise<CheckpointContent> {
  const { content } = await readArrayFileInfo(path);
  if (Array.isArray(content) || (content as HostTensor).shape !== undefined && (content as HostTensor).data !== undefined) {
    throw new DataError('not a Blocksmith checkpoint (expected an .npz with a meta entry)', { source: path });
  }
  const record = content as Record<string, HostTensor>;
  const metaTensor = record.meta;
  let meta: CheckpointMeta | undefined;
  try {
    meta = metaTensor ? (JSON.parse(new TextDecoder().decode(metaTensor.data as Uint8Array)) as CheckpointMeta) : undefined;
  } catch { /* reported below */ }
  if (!meta || meta.format !== CHECKPOINT_FORMAT) {
    throw new DataError('not a Blocksmith checkpoint (its meta entry is missing or not JSON of format blocksmith.checkpoint)', { source: path, key: 'meta' });
  }
  const params: Record<string, NDArray> = {};
  const optimizer: Record<string, NDArray> = {};
  for (const [key, t] of Object.entries(record)) {
    if (key.startsWith('param/')) params[key.slice('param/'.length)] = fromHostTensor(t, device);
    else if (key.startsWith('opt/')) optimizer[key.slice('opt/'.length)] = fromHostTensor(t, device);
  }
  return { meta, params, optimizer };
}
