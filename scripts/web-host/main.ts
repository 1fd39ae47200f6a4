// Command line for the web host: serves renderer/dist on 127.0.0.1 and prints the URL.
//   node --import tsx scripts/web-host/main.ts [--port 5173] [--root renderer/dist]
// The port falls back to a free one when the requested one is taken.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startWebHost, type WebHost } from './server.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.BLOCKSMITH_PORT ?? '5173' },
    root: { type: 'string', default: path.join(repoRoot, 'renderer/dist') },
  },
});

const root = path.resolve(values.root);
if (!existsSync(path.join(root, 'index.html'))) {
  console.error(`web host: ${root}/index.html is missing; build the renderer first: npm run build:renderer`);
  process.exit(1);
}

const port = Number(values.port);
let host: WebHost;
try {
  host = await startWebHost({ root, port });
} catch (error) {
  if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
  host = await startWebHost({ root, port: 0 });
}
console.log(`Blocksmith editor: ${host.url}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void host.close().then(() => process.exit(0));
  });
}
