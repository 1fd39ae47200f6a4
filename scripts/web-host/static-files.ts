// Maps a request path to a file under the web host's root, refusing anything that would leave it
// (.., encoded separators, NUL, symlinks pointing outside), and names each file's content type.
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';

export type StaticLookup = { kind: 'file'; filePath: string; contentType: string } | { kind: 'not-found' } | { kind: 'bad-request'; reason: string };

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentTypeFor(filePath: string): string {
  return CONTENT_TYPES[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Resolves the path part of a request URL (e.g. "/assets/index.js", already split from any query)
 * to a path relative to the root, or explains why it is refused. Pure: touches no files.
 */
export function relativeRequestPath(urlPath: string): { ok: true; relative: string } | { ok: false; reason: string } {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return { ok: false, reason: 'malformed percent-encoding' };
  }
  if (!decoded.startsWith('/')) return { ok: false, reason: 'path must start with /' };
  if (decoded.includes('\0')) return { ok: false, reason: 'NUL in path' };
  if (decoded.includes('\\')) return { ok: false, reason: 'backslash in path' };
  const segments = decoded.split('/');
  if (segments.includes('..')) return { ok: false, reason: '.. in path' };
  const relative = segments.filter((s) => s !== '' && s !== '.').join('/');
  return { ok: true, relative: relative === '' ? 'index.html' : relative };
}

/** Finds the file a request path names under `root`; directories serve their index.html. */
export async function lookupStaticFile(root: string, urlPath: string): Promise<StaticLookup> {
  const request = relativeRequestPath(urlPath);
  if (!request.ok) return { kind: 'bad-request', reason: request.reason };

  let realRoot: string;
  try {
    realRoot = await realpath(root);
  } catch {
    return { kind: 'not-found' };
  }
  let candidate = path.resolve(realRoot, request.relative);
  try {
    candidate = await realpath(candidate);
    if ((await stat(candidate)).isDirectory()) candidate = await realpath(path.join(candidate, 'index.html'));
    if (!(await stat(candidate)).isFile()) return { kind: 'not-found' };
  } catch {
    return { kind: 'not-found' };
  }
  // After resolving symlinks the file must still lie inside the root.
  if (!candidate.startsWith(realRoot + path.sep)) return { kind: 'not-found' };
  return { kind: 'file', filePath: candidate, contentType: contentTypeFor(candidate) };
}
