// The web host: serves the built renderer and small JSON endpoints on 127.0.0.1, so the editor
// runs in a browser when Electron is not available. Endpoints are a route table (path → handler);
// with an engine host, the engine API is served over a WebSocket at /api (engine-socket.ts).
// Every request must carry an allowed Host header, which defeats DNS rebinding.
import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CONTENT_SECURITY_POLICY } from '../../renderer/content-security-policy.ts';
import { lookupStaticFile } from './static-files.ts';
import type { EngineHost } from '../../engine/service/engine-host.ts';
import { attachEngineSocket } from './engine-socket.ts';
import { allowedHostHeaders, hostAllowed, newToken } from './request-guard.ts';

export type RouteHandler = (request: IncomingMessage, response: ServerResponse) => void | Promise<void>;

export interface WebHostOptions {
  /** Folder to serve, normally renderer/dist. */
  root: string;
  /** Default 127.0.0.1. Anything but loopback exposes the editor to the network (main.ts warns). */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Extra endpoints by exact path; /healthz is built in. */
  routes?: Readonly<Record<string, RouteHandler>>;
  /** Serve the engine API at /api over WebSocket, relayed to this engine host. */
  engine?: EngineHost;
  /** The token /api requires (default: a fresh random one). */
  token?: string;
}

export interface WebHost {
  readonly server: Server;
  readonly port: number;
  readonly url: string;
  /** The token the engine socket requires (also in `url` when an engine is served). */
  readonly token: string;
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
  const token = options.token ?? newToken();
  let allowedHosts: ReadonlySet<string> = new Set();
  const server = createServer((request, response) => {
    if (!hostAllowed(request.headers.host, allowedHosts)) return sendText(response, 403, 'forbidden: unexpected Host header');
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
  allowedHosts = allowedHostHeaders(host, port);
  const wss = options.engine ? attachEngineSocket(server, { engine: options.engine, token, allowedHosts }) : null;
  // Listening on every interface: the loopback URL works here; others use this machine's address.
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return {
    server,
    port,
    token,
    url: `http://${urlHost}:${port}/${options.engine ? `?token=${token}` : ''}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const client of wss?.clients ?? []) client.terminate();
        wss?.close();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
