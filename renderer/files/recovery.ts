// Autosave to a recovery slot in the page's storage, and reading it back at the next start. Web
// Storage is written synchronously into the browser process, so the copy survives a crash of the
// page (and of the engine or the web host, which it does not go through). One slot per origin: the
// latest unsaved document of whichever window edited last.
import { zGraphDocument, type GraphDocument } from '../../engine/protocol/graph-document.ts';
import type { EditorStore } from '../store/editor-store.ts';
import type { RecentFile, StorageLike } from './recent-files.ts';

export const RECOVERY_KEY = 'blocksmith.recovery';
/** An edit is copied to the recovery slot at most this long after it was made. */
export const AUTOSAVE_DELAY_MS = 2000;

export interface RecoveryEntry {
  savedAt: number;
  fileName: string;
  filePath: string | null;
  document: GraphDocument;
}

export function readRecovery(storage: StorageLike): RecoveryEntry | null {
  let raw: { savedAt?: unknown; fileName?: unknown; filePath?: unknown; document?: unknown } | null;
  try {
    raw = JSON.parse(storage.getItem(RECOVERY_KEY) ?? 'null') as typeof raw;
  } catch {
    return null;
  }
  if (raw === null || typeof raw !== 'object' || typeof raw.savedAt !== 'number' || typeof raw.fileName !== 'string') return null;
  const document = zGraphDocument.safeParse(raw.document);
  if (!document.success) return null;
  return { savedAt: raw.savedAt, fileName: raw.fileName, filePath: typeof raw.filePath === 'string' ? raw.filePath : null, document: document.data };
}

/** The entry to offer back at start: none when it is older than the last save of its file. */
export function recoveryToOffer(storage: StorageLike, recent: readonly RecentFile[]): RecoveryEntry | null {
  const entry = readRecovery(storage);
  if (!entry) return null;
  const savedAt = entry.filePath === null ? undefined : recent.find((r) => r.path === entry.filePath)?.savedAt;
  return savedAt !== undefined && savedAt >= entry.savedAt ? null : entry;
}

export function clearRecovery(storage: StorageLike): void {
  try {
    storage.removeItem(RECOVERY_KEY);
  } catch {
    // nothing to clear in a storage that cannot be used
  }
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * Copies the store's document to the recovery slot AUTOSAVE_DELAY_MS after an edit while it is
 * unsaved (a steady stream of edits is still copied every AUTOSAVE_DELAY_MS), and empties the slot
 * when the document becomes clean (saved, opened, new). While `hold` is on (a recovery is being
 * offered) it writes nothing, so the offered copy is not overwritten before the person decides.
 */
export class Autosaver {
  private timer: unknown = null;
  private unsubscribe: (() => void) | null = null;
  hold = false;

  constructor(
    private readonly store: EditorStore,
    private readonly storage: StorageLike,
    private readonly onSaved: (at: number) => void,
    private readonly onError: (message: string) => void,
    private readonly timers: Timers = { setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) },
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    this.unsubscribe = this.store.subscribe((state, previous) => {
      if (!state.dirty) {
        if (previous.dirty) this.clean();
        return;
      }
      if (state.document !== previous.document || !previous.dirty) this.schedule();
    });
  }

  stop(): void {
    this.unsubscribe?.();
    this.cancel();
  }

  /** Ends a hold: an unsaved document (a restored recovery, say) is copied again from now on. */
  release(): void {
    this.hold = false;
    if (this.store.getState().dirty) this.schedule();
  }

  /** Writes now if there is something unsaved (the page is going away). */
  flush(): void {
    this.cancel();
    if (this.store.getState().dirty) this.write();
  }

  private schedule(): void {
    if (this.timer !== null || this.hold) return;
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      if (this.store.getState().dirty) this.write();
    }, AUTOSAVE_DELAY_MS);
  }

  private cancel(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  private clean(): void {
    this.cancel();
    if (!this.hold) clearRecovery(this.storage);
  }

  private write(): void {
    if (this.hold) return;
    const { document, fileName, filePath } = this.store.getState();
    const at = this.now();
    try {
      this.storage.setItem(RECOVERY_KEY, JSON.stringify({ savedAt: at, fileName, filePath, document }));
      this.onSaved(at);
    } catch (error) {
      this.onError(`Autosave failed (${(error as Error).message}); save the document to keep your changes.`);
    }
  }
}
