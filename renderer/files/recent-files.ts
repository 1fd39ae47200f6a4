// The recent-files list (newest first, at most MAX_RECENT_FILES), kept in the page's storage so it
// survives restarts in the browser and in Electron alike. Pure: storage is passed in; whatever is
// stored is read defensively (another version, or a person, may have written something else).
export const RECENT_FILES_KEY = 'blocksmith.recentFiles';
export const MAX_RECENT_FILES = 10;

export interface RecentFile {
  /** The path as the engine resolved it (absolute). */
  path: string;
  /** When it was last opened or saved here (ms since the epoch). */
  usedAt: number;
  /** When it was last saved from this editor, if ever (recovery compares with it). */
  savedAt?: number;
}

/** The part of the Web Storage API this needs (localStorage, or a map in tests). */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** The last path segment, for both / and \ separators. */
export function baseName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).pop() ?? path;
}

export function readRecentFiles(storage: StorageLike): RecentFile[] {
  let raw: unknown;
  try {
    raw = JSON.parse(storage.getItem(RECENT_FILES_KEY) ?? '[]');
  } catch {
    return [];
  }
  if (!Array.isArray(raw)) return [];
  return raw
    .filter(
      (r): r is RecentFile =>
        typeof r === 'object' &&
        r !== null &&
        typeof r.path === 'string' &&
        r.path.length > 0 &&
        typeof r.usedAt === 'number' &&
        (r.savedAt === undefined || typeof r.savedAt === 'number'),
    )
    .slice(0, MAX_RECENT_FILES);
}

/** Moves (or adds) `path` to the top; `saved` records that it was just saved. Returns the new list. */
export function touchRecentFile(storage: StorageLike, path: string, now: number, saved = false): RecentFile[] {
  const list = readRecentFiles(storage);
  const previous = list.find((r) => r.path === path);
  const entry: RecentFile = { path, usedAt: now };
  const savedAt = saved ? now : previous?.savedAt;
  if (savedAt !== undefined) entry.savedAt = savedAt;
  const next = [entry, ...list.filter((r) => r.path !== path)].slice(0, MAX_RECENT_FILES);
  writeRecentFiles(storage, next);
  return next;
}

function writeRecentFiles(storage: StorageLike, list: readonly RecentFile[]): void {
  try {
    storage.setItem(RECENT_FILES_KEY, JSON.stringify(list));
  } catch {
    // A full or disabled storage only costs the list its persistence; the page keeps its copy.
  }
}
