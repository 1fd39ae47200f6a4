// Checkpoints: everything a run needs to continue exactly where it stopped — parameter values,
// optimizer state, and the position (epoch, batch, update count, seed, running metrics) — in one
// .npz written atomically by the io layer (temp file, fsync, rename), so a crash mid-write leaves
// the previous checkpoint intact. numpy can read it: np.load('checkpoint-step100.npz').
//
// Keys: `param/<name>`, `opt/<name>/<slot>`, and `meta` (the JSON position, as uint8 bytes).

import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { NDArray } from '../ndarray/ndarray.ts';
import type { Device } from '../ndarray/device.ts';
import { readArrayFileInfo, writeArrayFile } from '../io/array-file.ts';
import type { HostTensor } from '../io/host-tensor.ts';
import { fromHostTensor, toHostTensor } from '../io/ndarray-files.ts';
import type { EpochRecord } from '../protocol/training-config.ts';
import { checkpointErrors } from './train-errors.ts';

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
  if (Array.isArray(content) || ((content as HostTensor).shape !== undefined && (content as HostTensor).data !== undefined)) {
    throw checkpointErrors.notNpz(path);
  }
  const record = content as Record<string, HostTensor>;
  const metaTensor = record.meta;
  let meta: CheckpointMeta | undefined;
  try {
    meta = metaTensor ? (JSON.parse(new TextDecoder().decode(metaTensor.data as Uint8Array)) as CheckpointMeta) : undefined;
  } catch {
    /* reported below */
  }
  if (!meta || meta.format !== CHECKPOINT_FORMAT) {
    throw checkpointErrors.noMeta(path, CHECKPOINT_FORMAT);
  }
  const params: Record<string, NDArray> = {};
  const optimizer: Record<string, NDArray> = {};
  for (const [key, t] of Object.entries(record)) {
    if (key.startsWith('param/')) params[key.slice('param/'.length)] = fromHostTensor(t, device);
    else if (key.startsWith('opt/')) optimizer[key.slice('opt/'.length)] = fromHostTensor(t, device);
  }
  return { meta, params, optimizer };
}

/** The file name a run gives the checkpoint it writes after `step` updates. */
export function checkpointFileName(step: number): string {
  return `checkpoint-step${step}.npz`;
}

export interface CheckpointEntry {
  /** Absolute path (what resumeFrom takes). */
  path: string;
  step: number;
  bytes: number;
  /** Last modification, ms since the epoch. */
  modified: number;
}

/**
 * The checkpoints a run wrote into `dir`, by step (from the file names, so no file is opened:
 * listing stays cheap for large models). A directory that does not exist yet holds none — a run
 * creates it with its first checkpoint.
 */
export async function listCheckpoints(dir: string): Promise<CheckpointEntry[]> {
  const abs = resolve(dir);
  let names: string[];
  try {
    names = await readdir(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return [];
    throw checkpointErrors.list(abs, code, e as Error);
  }
  const entries: CheckpointEntry[] = [];
  for (const name of names) {
    const m = /^checkpoint-step(\d+)\.npz$/.exec(name);
    if (!m) continue;
    const path = join(abs, name);
    try {
      const info = await stat(path);
      if (info.isFile()) entries.push({ path, step: Number(m[1]), bytes: info.size, modified: info.mtimeMs });
    } catch {
      // Removed between readdir and stat: it is simply not listed.
    }
  }
  return entries.sort((a, b) => a.step - b.step);
}
