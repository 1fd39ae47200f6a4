// The engine process's entry point: one session, one dispatcher, and whichever channel the parent
// opened — Electron's parentPort (utilityProcess), Node's IPC channel (child_process.fork), or
// newline-framed JSON on stdin/stdout. When the parent goes away, the engine exits with it.
//   node --import tsx engine/service/process-main.ts            (forked with an IPC channel)
//   node --import tsx engine/service/process-main.ts --stdio    (framed JSON on stdio)
import { setWarningHandler } from '../index.ts';
import type { ReadyMessage, ServerMessage } from '../protocol/service-protocol.ts';
import { Dispatcher } from './dispatcher.ts';
import { encodeFrame, FrameDecoder } from './frame-codec.ts';
import { handlerLoaders } from './methods/index.ts';
import { Session } from './session.ts';
import { sweepStaleTemps } from '../io/temp-files.ts';
import { sweepSessionFolders } from './session-checkpoint.ts';

interface ParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

function start(): void {
  const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
  const useStdio = process.argv.includes('--stdio') || (!parentPort && !process.send);
  let send: (message: ServerMessage | ReadyMessage) => void;
  if (parentPort && !useStdio) {
    send = (message) => parentPort.postMessage(message);
  } else if (process.send && !useStdio) {
    send = (message) => void process.send!(message);
  } else {
    // stdout carries frames only; anything else printed goes to stderr.
    console.log = console.error;
    send = (message) => void process.stdout.write(encodeFrame(message));
  }
  const dispatcher = new Dispatcher(new Session(), handlerLoaders, send);
  setWarningHandler((message) => dispatcher.emit('warning', { requestId: null, message }));

  if (parentPort && !useStdio) {
    parentPort.on('message', (event) => dispatcher.receive(event.data));
  } else if (process.send && !useStdio) {
    process.on('message', (message) => dispatcher.receive(message));
    process.on('disconnect', () => process.exit(0));
  } else {
    const decoder = new FrameDecoder();
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk: string) => {
      try {
        for (const message of decoder.push(chunk)) dispatcher.receive(message);
      } catch (error) {
        console.error(`engine: ${(error as Error).message}; closing`);
        process.exit(1);
      }
    });
    process.stdin.on('end', () => process.exit(0));
  }
  // Tell the parent we are listening (so it can time out a start that hangs).
  send({ type: 'ready', pid: process.pid });
  // Temporary files of engines that were killed mid-save (engine/io/temp-files.ts); best effort.
  void sweepStaleTemps().catch(() => undefined);
  void sweepSessionFolders().catch(() => undefined);
}

start();
