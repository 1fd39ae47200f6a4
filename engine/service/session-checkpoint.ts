// Trained values survive an engine restart: after a request that changes a document's parameters
// (a first forward, setParameter, initialize, loadParameters, a training run's end), the engine
// writes them to the OS temp folder (one .npz per document, bounded by limits.maxCheckpointBytes),
// and when a restarted engine is sent the same document again (openDocument, as the editor does
// after 'engine-restarted'), it rebuilds the model and loads them back, and says so. The folder is
// per host process (the engine's parent), so every engine a host restarts finds it.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readArrayFileInfo, writeArrayFile, writeFileAtomic } from '../io/array-file.ts';
import { isHostTensor, type HostTensor } from '../io/host-tensor.ts';
import { fromHostTensor, toHostTensor } from '../io/ndarray-files.ts';
import { processAlive } from '../io/temp-files.ts';
import { currentLimits } from '../protocol/limits.ts';
import { parseDevice } from './device-name.ts';
import { ensureModel } from './model-builder.ts';
import type { OpenDocument, Session } from './session.ts';

/** Methods after which a document's parameters may have changed. */
export const CHANGES_PARAMETERS = new Set(['forward', 'setParameter', 'initialize', 'forceReinit', 'loadParameters', 'stopTraining']);

export function sessionFolder(): string {
  return process.env.BLOCKSMITH_SESSION_DIR ?? join(tmpdir(), `blocksmith-session-${process.ppid}`);
}

const base = (docId: string) => join(sessionFolder(), createHash('sha256').update(docId).digest('hex').slice(0, 24));
/** The model part of a document (no title, no canvas layout): values fit only the same model. */
const modelHash = (doc: unknown) => {
  const { layout: _layout, title: _title, ...model } = doc as Record<string, unknown>;
  return createHash('sha256').update(JSON.stringify(model)).digest('hex');
};

interface Meta {
  docId: string;
  model: string;
  parameters: number;
  savedAt: number;
}

/** Writes waiting per document; `force`: a change is waiting to be written, whatever comes next. */
const pending = new Map<string, { timer: NodeJS.Timeout; force: boolean }>();
let chain: Promise<void> = Promise.resolve();

/**
 * Writes the document's parameters soon (several changes in a row give one write). `ifMissing`:
 * only when no checkpoint of this model exists yet — a forward that reused the built model changed
 * nothing, and rewriting every parameter after every run would cost a model's size in writes.
 */
export function scheduleCheckpoint(session: Session, docId: string, delayMs = 300, ifMissing = false): void {
  const waiting = pending.get(docId);
  clearTimeout(waiting?.timer);
  // A change already waiting (setParameter, then a forward) is written even if the later request changed nothing.
  if (waiting?.force) ifMissing = false;
  const timer = setTimeout(() => {
    pending.delete(docId);
    chain = chain
      .then(async () => {
        if (ifMissing && (await hasCheckpoint(session, docId))) return;
        await checkpointNow(session, docId);
      })
      .catch(() => undefined);
  }, delayMs);
  timer.unref();
  pending.set(docId, { timer, force: !ifMissing });
}

async function hasCheckpoint(session: Session, docId: string): Promise<boolean> {
  try {
    const meta = JSON.parse(await readFile(`${base(docId)}.json`, 'utf8')) as Meta;
    return meta.model === modelHash(session.get(docId).document);
  } catch {
    return false;
  }
}

/** Writes the parameters of a document's model now, if all are initialized and within the bound. */
export async function checkpointNow(session: Session, docId: string): Promise<boolean> {
  let entry: OpenDocument;
  try {
    entry = session.get(docId);
  } catch {
    return false;
  }
  const model = entry.model;
  if (!model) return false;
  const values: Record<string, HostTensor> = Object.create(null);
  let bytes = 0;
  let count = 0;
  for (const [name, p] of model.net.collectParams().entries()) {
    if (p.state !== 'initialized') return false; // deferred: nothing trained yet
    const t = toHostTensor(p.data());
    bytes += t.data.byteLength;
    if (bytes > currentLimits().maxCheckpointBytes) {
      await forgetCheckpoint(docId);
      return false;
    }
    values[name] = t;
    count++;
  }
  const file = base(docId);
  await mkdir(sessionFolder(), { recursive: true });
  await writeArrayFile(`${file}.npz`, values, { format: 'npz' });
  const meta: Meta = { docId, model: modelHash(entry.document), parameters: count, savedAt: Date.now() };
  await writeFileAtomic(`${file}.json`, new TextEncoder().encode(JSON.stringify(meta)));
  return true;
}

/**
 * When a checkpoint of this very model exists (a restarted engine is sent the document again),
 * builds the model and loads the saved values into it. Returns what was restored, or null.
 */
export async function restoreCheckpoint(entry: OpenDocument): Promise<{ parameters: number; savedAt: number } | null> {
  let meta: Meta;
  try {
    meta = JSON.parse(await readFile(`${base(entry.docId)}.json`, 'utf8')) as Meta;
  } catch {
    return null;
  }
  if (meta.docId !== entry.docId || meta.model !== modelHash(entry.document)) return null;
  const { content } = await readArrayFileInfo(`${base(entry.docId)}.npz`);
  if (isHostTensor(content) || Array.isArray(content)) return null;
  const device = parseDevice(entry.document.device, 'document.device');
  const model = ensureModel(entry, { device });
  let restored = 0;
  for (const [name, p] of model.net.collectParams().entries()) {
    const t = content[name];
    if (!t) continue;
    p.loadData(fromHostTensor(t, device));
    restored++;
  }
  return { parameters: restored, savedAt: meta.savedAt };
}

export async function forgetCheckpoint(docId: string): Promise<void> {
  clearTimeout(pending.get(docId)?.timer);
  pending.delete(docId);
  await Promise.all(['.npz', '.json'].map((ext) => rm(`${base(docId)}${ext}`, { force: true })));
}

/** At start-up: session folders of hosts that are gone are removed. */
export async function sweepSessionFolders(): Promise<void> {
  let names: string[];
  try {
    names = await readdir(tmpdir());
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(/^blocksmith-session-(\d+)$/.exec(name)?.[1]);
    if (Number.isSafeInteger(pid) && !processAlive(pid)) await rm(join(tmpdir(), name), { recursive: true, force: true }).catch(() => undefined);
  }
}
