// Starts the engine process as an Electron utilityProcess (a Node child that Electron manages;
// a crash there never takes the window down). It runs electron/dist/engine.js, the bundle of
// engine/service/process-main.ts, which talks over parentPort.
import { utilityProcess } from 'electron';
import type { EngineLauncher, EngineProcess } from '../../engine/service/engine-host.ts';

const STDERR_TAIL = 4096;

export function utilityProcessLauncher(entry: string): EngineLauncher {
  return () => {
    const child = utilityProcess.fork(entry, [], { serviceName: 'Blocksmith engine', stdio: 'pipe' });
    let tail = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      tail = (tail + chunk).slice(-STDERR_TAIL);
      process.stderr.write(chunk);
    });
    const handle: EngineProcess = {
      get pid() {
        return child.pid ?? null;
      },
      send(message) {
        child.postMessage(message);
      },
      kill() {
        child.kill();
      },
      onMessage(listener) {
        child.on('message', listener);
      },
      onExit(listener) {
        // utilityProcess reports only a code; a native crash shows up as a non-zero one.
        child.once('exit', (code) => listener(code, null, tail));
      },
    };
    return handle;
  };
}
