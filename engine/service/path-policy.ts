// The optional allow-list of folders an engine may read and write (BLOCKSMITH_ALLOWED_DIRS, set by
// `blocksmith serve --allow-dir DIR`): every path a request names (`path`, `dir`, `resumeFrom`, `textFile`,
// anywhere in its params) must then lie inside one of them, after symlinks are resolved, or the
// request is refused with E_PATH_NOT_ALLOWED before its handler runs. Without the variable every
// path is allowed, as the desktop app needs (docs/service.md, "Trust model").
import { realpath } from 'node:fs/promises';
import { delimiter, dirname, resolve, sep } from 'node:path';
import { ServiceError } from '../protocol/service-protocol.ts';

const PATH_KEYS = new Set(['path', 'dir', 'resumeFrom', 'textFile']);

/** The allowed folders, or null when every path is allowed. */
export function allowedFolders(env: NodeJS.ProcessEnv = process.env): string[] | null {
  const raw = env.BLOCKSMITH_ALLOWED_DIRS;
  if (raw === undefined || raw.trim() === '') return null;
  return raw
    .split(delimiter)
    .filter((d) => d.trim() !== '')
    .map((d) => resolve(d));
}

/** The path strings a request names, wherever they sit in its params. */
export function pathsIn(params: unknown): string[] {
  const out: string[] = [];
  const stack: unknown[] = [params];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null) continue;
    for (const [k, c] of Object.entries(v)) {
      if (PATH_KEYS.has(k) && typeof c === 'string') out.push(c);
      else if (typeof c === 'object' && c !== null) stack.push(c);
    }
  }
  return out;
}

/** The real path of `p`, or of its nearest existing ancestor plus the rest (a file not yet written). */
async function realish(p: string): Promise<string> {
  let head = resolve(p);
  const tail: string[] = [];
  for (;;) {
    try {
      return resolve(await realpath(head), ...tail.reverse());
    } catch {
      const up = dirname(head);
      if (up === head) return resolve(p);
      tail.push(head.slice(up.length).replace(/^[\\/]/, ''));
      head = up;
    }
  }
}

/** Refuses (E_PATH_NOT_ALLOWED) a request naming a path outside the allowed folders. */
export async function checkPaths(method: string, params: unknown, folders: string[] | null = allowedFolders()): Promise<void> {
  if (folders === null) return;
  const roots = await Promise.all(folders.map(realish));
  for (const p of pathsIn(params)) {
    const real = await realish(p);
    if (!roots.some((root) => real === root || real.startsWith(root.endsWith(sep) ? root : root + sep))) {
      throw new ServiceError('E_PATH_NOT_ALLOWED', `${method}: ${p} is outside the folders this engine may use (${folders.join(', ')})`, { path: p });
    }
  }
}
