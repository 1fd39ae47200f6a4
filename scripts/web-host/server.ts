// The web host: serves the built renderer and small JSON endpoints on 127.0.0.1, so the editor
// runs in a browser when Electron is not available. Endpoints are a route table (path → handler);
// the engine API will arrive as one more route plus a WebSocket `upgrade` listener on `server`.
import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CONTENT_SECURITY_POLICY } from '../../renderer/content-security-policy.ts';
import { lookupStaticFile } from './static-files.ts';

export type RouteHandler = (request: IncomingMessage, response: ServerResponse) => void | Promise<void>;

export interface WebHostOptions {
  /** Folder to serve, normally renderer/dist. */
  root: string;
  /** Always a loopback address: the host has no authentication. */
  host?: '127.0.0.1' | '::1' | 'localhost';
  /** 0 picks a free port. */
  port?: number;
  /** Extra endpoints by exact path; /healthz is built in. */
  routes?: Readonly<Record<string, RouteHandler>>;
}

export interface WebHost {
  readonly server: Server;
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

const SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
} as const;

function sendText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
  response.end(`${text}\n`);
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

const builtInRoutes: Readonly<Record<string, RouteHandler>> = {
  '/healthz': (_request, response) => sendJson(response, 200, { ok: true }),
};

async function serveStatic(root: string, request: IncomingMessage, response: ServerResponse, urlPath: string) {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('Allow', 'GET, HEAD');
    sendText(response, 405, 'method not allowed');
    return;
  }
  const found = await lookupStaticFile(root, urlPath);
  if (found.kind === 'bad-request') return sendText(response, 400, `bad request: ${found.reason}`);
  if (found.kind === 'not-found') return sendText(response, 404, 'not found');
  response.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': found.contentType,
    'Cache-Control': found.filePath.endsWith('.html') ? 'no-cache' : 'public, max-age=3600',
  });
  if (request.method === 'HEAD') return response.end();
  createReadStream(found.filePath)
    .on('error', () => response.destroy())
    .pipe(response);
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const host = options.host ?? '127.0.0.1';
  const routes = { ...builtInRoutes, ...options.routes };
  const server = createServer((request, response) => {
    // Routing looks at the path only; the query string is ignored.
    const urlPath = (request.url ?? '/').split('?')[0] ?? '/';
    const route = routes[urlPath];
    const work = route ? route(request, response) : serveStatic(options.root, request, response, urlPath);
    Promise.resolve(work).catch((error: unknown) => {
      if (!response.headersSent) sendText(response, 500, 'internal error');
      else response.destroy();
      console.error('web host:', error);
    });
  });
  await listen(server, options.port ?? 0, host);
  const { port } = server.address() as AddressInfo;
  const urlHost = host === '::1' ? '[::1]' : host;
  return {
    server,
    port,
    url: `http://${urlHost}:${port}/`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
