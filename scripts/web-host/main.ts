// Command line for the web host: serves renderer/dist and the engine API on 127.0.0.1 and prints
// the URL (with the token the page needs).
//   node --import tsx scripts/web-host/main.ts [--port 5173] [--host 127.0.0.1] [--root renderer/dist]
// The port falls back to a free one when the requested one is taken.
import { parseArgs } from 'node:util';
import { serve, ServeError } from './serve.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.BLOCKSMITH_PORT ?? '5173' },
    host: { type: 'string' },
    root: { type: 'string' },
  },
});

try {
  const serving = await serve({ port: Number(values.port), ...(values.host ? { host: values.host } : {}), ...(values.root ? { root: values.root } : {}) });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void serving.close().then(() => process.exit(0));
    });
  }
} catch (error) {
  if (!(error instanceof ServeError)) throw error;
  console.error(`web host: ${error.message}`);
  process.exit(1);
}
