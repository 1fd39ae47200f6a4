// Starts the engine process as a forked Node process running process-main.ts under tsx, with an
// IPC channel. Used by the web host and the CLI (Electron has its own launcher: utilityProcess).
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ClientMessage } from '../protocol/service-protocol.ts';
import type { EngineProcess, EngineLauncher } from './engine-host.ts';

const ENTRY = fileURLToPath(new URL('./process-main.ts', import.meta.url));
/** The last stderr bytes kept to explain a crash. */
const STDERR_TAIL = 4096;

export interface ForkLauncherOptions {
  /** Extra environment for the engine (e.g. BLOCKSMITH_NATIVE_PATH). */
  env?: NodeJS.ProcessEnv;
  /** Echo the engine's stderr to ours (default true). */
  echoStderr?: boolean;
}

export function forkLauncher(options: ForkLauncherOptions = {}): EngineLauncher {
  return () => {
    // An absolute loader URL, so the engine starts whatever the current directory is.
    const tsx = import.meta.resolve('tsx');
    const child = fork(ENTRY, [], {
      execArgv: ['--import', tsx],
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      serialization: 'json',
    });
    let tail = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      tail = (tail + chunk).slice(-STDERR_TAIL);
      if (options.echoStderr !== false) process.stderr.write(chunk);
    });
    const handle: EngineProcess = {
      get pid() {
        return child.pid ?? null;
      },
      send(message: ClientMessage) {
        if (child.connected) child.send(message);
        else throw new Error('the engine process is not connected');
      },
      kill(signal = 'SIGKILL') {
        child.kill(signal);
      },
      onMessage(listener) {
        child.on('message', listener);
      },
      onExit(listener) {
        // 'close' (not 'exit') comes after stderr is drained, so the tail holds the last words.
        child.once('close', (code, signal) => listener(code, signal, tail));
        child.once('error', (error) => listener(null, null, `${tail}\n${error.message}`));
      },
    };
    return handle;
  };
}
