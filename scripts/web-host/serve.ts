// Starts the editor for a browser: an engine process, the static renderer and the engine's
// WebSocket on one port. Used by `npm start` (web-host/main.ts) and `blocksmith serve`.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EngineHost } from '../../engine/service/engine-host.ts';
import { forkLauncher } from '../../engine/service/fork-launcher.ts';
import { isLoopback } from './request-guard.ts';
import { startWebHost, type WebHost } from './server.ts';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ServeOptions {
  port: number;
  host?: string;
  root?: string;
  /** Folders the engine may read and write; absent: any path (the engine runs as you). */
  allowDirs?: string[];
  /** Where messages for the person go (default console.log / console.error). */
  log?: (line: string) => void;
  warn?: (line: string) => void;
}

export class ServeError extends Error {
  override name = 'ServeError';
}

export interface Serving {
  web: WebHost;
  engine: EngineHost;
  close(): Promise<void>;
}

export async function serve(options: ServeOptions): Promise<Serving> {
  const log = options.log ?? console.log;
  const warn = options.warn ?? console.error;
  const root = path.resolve(options.root ?? path.join(repoRoot, 'renderer/dist'));
  if (!existsSync(path.join(root, 'index.html'))) {
    throw new ServeError(`${root}/index.html is missing; build the renderer first: npm run build:renderer`);
  }
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host)) {
    warn(
      `WARNING: listening on ${host}: other machines that can reach it may use the editor and its engine ` +
        '(read and write files as you) if they learn the token. Use only on networks you trust' +
        (options.allowDirs?.length ? '.' : ', and consider --allow-dir DIR to limit file access to chosen folders.'),
    );
  }
  const allowed = options.allowDirs?.map((d) => path.resolve(d)) ?? [];
  if (allowed.length > 0) log(`file access limited to: ${allowed.join(', ')}`);
  const engine = new EngineHost(forkLauncher(allowed.length > 0 ? { env: { BLOCKSMITH_ALLOWED_DIRS: allowed.join(path.delimiter) } } : {}));
  // Start the engine in the background: the page loads while it warms up.
  void engine.start();
  let web: WebHost;
  try {
    web = await startWebHost({ root, port: options.port, host, engine });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') {
      await engine.close();
      throw error;
    }
    warn(`port ${options.port} is taken; using a free one`);
    web = await startWebHost({ root, port: 0, host, engine });
  }
  log(`Blocksmith editor: ${web.url}`);
  return {
    web,
    engine,
    close: async () => {
      await web.close();
      await engine.close();
    },
  };
}
