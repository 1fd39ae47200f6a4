// The web host's path handling (no way out of the served folder, honest 404s and 400s), its
// content types and its built-in endpoints, over real HTTP with raw (unnormalised) paths.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startWebHost, type WebHost } from '../../scripts/web-host/server.ts';
import { contentTypeFor, lookupStaticFile, relativeRequestPath } from '../../scripts/web-host/static-files.ts';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** GET/HEAD with the path sent exactly as given (fetch would normalise "..").  */
function rawRequest(host: WebHost, rawPath: string, method = 'GET'): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path: rawPath, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

let work: string;
let root: string;
let host: WebHost;

before(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'blocksmith-web-host-'));
  root = path.join(work, 'dist');
  await mkdir(path.join(root, 'assets'), { recursive: true });
  await writeFile(path.join(root, 'index.html'), '<!doctype html><title>t</title>');
  await writeFile(path.join(root, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(path.join(root, 'assets', 'app.css'), 'body{}');
  await writeFile(path.join(work, 'secret.txt'), 'do not serve');
  await symlink(path.join(work, 'secret.txt'), path.join(root, 'escape.txt'));
  host = await startWebHost({ root, port: 0 });
});

after(async () => {
  await host.close();
  await rm(work, { recursive: true, force: true });
});

describe('relativeRequestPath', () => {
  test('maps / to index.html and drops empty and . segments', () => {
    assert.deepEqual(relativeRequestPath('/'), { ok: true, relative: 'index.html' });
    assert.deepEqual(relativeRequestPath('/./assets//app.js'), { ok: true, relative: 'assets/app.js' });
  });

  test('rejects .., encoded .., backslashes, NUL and bad encodings', () => {
    for (const bad of [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/assets%5c..%5c..%5csecret.txt',
      '/index.html%00.js',
      '/%E0%A4%A',
      'index.html',
    ]) {
      assert.equal(relativeRequestPath(bad).ok, false, bad);
    }
  });
});

describe('lookupStaticFile', () => {
  test('finds files and serves a folder through its index.html', async () => {
    assert.equal((await lookupStaticFile(root, '/assets/app.js')).kind, 'file');
    const index = await lookupStaticFile(root, '/');
    assert.equal(index.kind === 'file' && path.basename(index.filePath), 'index.html');
  });

  test('does not follow a symlink out of the root', async () => {
    assert.equal((await lookupStaticFile(root, '/escape.txt')).kind, 'not-found');
  });

  test('names content types by extension', () => {
    assert.equal(contentTypeFor('a/b.JS'), 'text/javascript; charset=utf-8');
    assert.equal(contentTypeFor('x.wasm'), 'application/wasm');
    assert.equal(contentTypeFor('x.unknown'), 'application/octet-stream');
  });
});

describe('web host over HTTP', () => {
  test('serves index.html at / with a CSP and the right content type', async () => {
    const res = await rawRequest(host, '/');
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
    assert.match(String(res.headers['content-security-policy']), /script-src 'self'/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.match(res.body, /<title>t<\/title>/);
  });

  test('serves assets with their MIME types, ignoring the query string', async () => {
    const js = await rawRequest(host, '/assets/app.js?v=1');
    assert.equal(js.status, 200);
    assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8');
    const css = await rawRequest(host, '/assets/app.css');
    assert.equal(css.headers['content-type'], 'text/css; charset=utf-8');
  });

  test('refuses traversal, whatever the spelling', async () => {
    for (const bad of [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/%2e%2e%2fsecret.txt',
      '/assets%5c..%5c..%5csecret.txt',
      '/escape.txt',
    ]) {
      const res = await rawRequest(host, bad);
      assert.ok(res.status === 400 || res.status === 404, `${bad} gave ${res.status}`);
      assert.doesNotMatch(res.body, /do not serve/, bad);
    }
  });

  test('answers 404 for missing files and 405 for other methods', async () => {
    assert.equal((await rawRequest(host, '/nope.js')).status, 404);
    assert.equal((await rawRequest(host, '/assets/')).status, 404);
    const post = await rawRequest(host, '/index.html', 'POST');
    assert.equal(post.status, 405);
    assert.equal(post.headers.allow, 'GET, HEAD');
  });

  test('HEAD sends headers without a body', async () => {
    const res = await rawRequest(host, '/assets/app.js', 'HEAD');
    assert.equal(res.status, 200);
    assert.equal(res.body, '');
  });

  test('/healthz answers ok', async () => {
    const res = await rawRequest(host, '/healthz');
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.body), { ok: true });
  });

  test('listens on loopback only', () => {
    assert.match(host.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  });
});
