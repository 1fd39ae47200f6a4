// The temporary files of atomic writes (`.NAME.PID.RAND.tmp` next to the target), and cleaning
// up after a writer that was killed before it could remove its own. Two sweeps, both limited to
// files whose name says a process that no longer runs made them: next to a target just before it
// is written, and at engine start-up from a journal in the OS temp folder that lists every
// temporary file a process created (so folders nobody writes to again are cleaned too).
import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

const PATTERN = /^\.(.+)\.(\d+)\.([0-9a-f]{12})\.tmp$/;

/** The folder holding one journal per writing process (its pid). */
export function journalFolder(): string {
  return process.env.BLOCKSMITH_TEMP_JOURNAL ?? join(tmpdir(), 'blocksmith-temp-journal');
}

/** A fresh temporary path next to `path`, in the pattern the sweeps recognise. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/** True while a process with this id runs (EPERM: it runs, as someone else). */
export function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether a file name is a temporary file of ours left by a process that is gone. */
function staleName(name: string, target?: string): boolean {
  const m = PATTERN.exec(name);
  return m !== null && (target === undefined || m[1] === target) && !processAlive(Number(m[2]));
}

/** Records a temporary file before it is created (best effort: a full temp folder costs nothing). */
export async function noteTemp(tmp: string): Promise<void> {
  try {
    await mkdir(journalFolder(), { recursive: true });
    await appendFile(join(journalFolder(), `${process.pid}.txt`), `${tmp}\n`);
  } catch {
    /* the sweep next to the target still cleans it */
  }
}

/** Removes stale temporary files of `path` (from writers that were killed) next to it. */
export async function cleanStaleTempsOf(path: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dirname(path));
  } catch {
    return 0;
  }
  const target = basename(path);
  let removed = 0;
  for (const name of names) {
    if (!staleName(name, target)) continue;
    await rm(join(dirname(path), name), { force: true }).then(
      () => removed++,
      () => undefined,
    );
  }
  return removed;
}

/**
 * At start-up: every journal of a process that is gone names temporary files it may have left;
 * those still there (and still named as ours, by that pid) are removed, then the journal.
 */
export async function sweepStaleTemps(): Promise<number> {
  let journals: string[];
  try {
    journals = await readdir(journalFolder());
  } catch {
    return 0;
  }
  let removed = 0;
  for (const journal of journals) {
    const pid = Number(/^(\d+)\.txt$/.exec(journal)?.[1]);
    if (!Number.isSafeInteger(pid) || processAlive(pid)) continue;
    const file = join(journalFolder(), journal);
    const listed = await readFile(file, 'utf8').catch(() => '');
    for (const tmp of new Set(listed.split('\n'))) {
      const m = PATTERN.exec(basename(tmp));
      if (!tmp || !m || Number(m[2]) !== pid) continue;
      await rm(tmp, { force: true }).then(
        () => removed++,
        () => undefined,
      );
    }
    await rm(file, { force: true }).catch(() => undefined);
  }
  return removed;
}
