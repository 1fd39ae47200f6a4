// Shared set-up for the service tests: a real web host with a real engine process on an
// ephemeral loopback port, and clients over its real WebSocket.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { EngineHost } from '../../engine/service/engine-host.ts';
import { forkLauncher } from '../../engine/service/fork-launcher.ts';
import { connectWebSocket, type WebSocketClientOptions } from '../../engine/service/client.ts';
import type { ServiceClient } from '../../engine/protocol/service-client.ts';
import { startWebHost, type WebHost } from '../../scripts/web-host/server.ts';

export interface TestHost {
  web: WebHost;
  engine: EngineHost;
  work: string;
  apiUrl: string;
  connect(options?: WebSocketClientOptions & { token?: string }): ServiceClient;
  close(): Promise<void>;
}

export async function startTestHost(options: { cancelGraceMs?: number } = {}): Promise<TestHost> {
  const work = await mkdtemp(path.join(tmpdir(), 'blocksmith-service-'));
  await writeFile(path.join(work, 'index.html'), '<!doctype html><title>blocksmith</title>');
  const engine = new EngineHost(forkLauncher({ echoStderr: false }), { cancelGraceMs: options.cancelGraceMs ?? 1500 });
  await engine.start();
  const web = await startWebHost({ root: work, port: 0, engine });
  const apiUrl = `ws://127.0.0.1:${web.port}/api`;
  const clients: ServiceClient[] = [];
  return {
    web,
    engine,
    work,
    apiUrl,
    connect(o = {}) {
      const client = connectWebSocket(apiUrl, o.token ?? web.token, o);
      clients.push(client);
      return client;
    },
    async close() {
      for (const c of clients) c.close();
      await web.close();
      await engine.close();
      await rm(work, { recursive: true, force: true });
    },
  };
}

/** Rejects if the promise takes longer than ms (keeps a hung engine from hanging the suite). */
export function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took more than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The code of a rejected call. */
export async function errorOf(promise: Promise<unknown>): Promise<{ code: string; message: string; details: unknown }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { code: string; message: string; details: unknown };
    return { code: e.code, message: e.message, details: e.details };
  }
  throw new Error('expected the call to fail');
}

/**
 * The set-up most service test files share: a test host and one connected client, started before
 * the file's tests (the engine has answered a first ping) and closed after them; `ready` runs once
 * connected (to open the documents the tests use).
 */
export function connectedHost(ready?: (client: ServiceClient) => Promise<unknown>): { host(): TestHost; client(): ServiceClient } {
  let host: TestHost | undefined;
  let client: ServiceClient | undefined;
  before(async () => {
    host = await startTestHost();
    client = host.connect();
    await within(20000, client.call('ping', {}), 'first ping');
    await ready?.(client);
  });
  after(async () => {
    await host?.close();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("the test host is not started: connectedHost's before() hook did not run or failed");
    return value;
  };
  return { host: () => started(host), client: () => started(client) };
}
