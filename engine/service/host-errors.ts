// The coded errors of the engine host (engine-host.ts: the process that forwards requests to the
// engine's child process and restarts it): each factory gives the code and the text a person
// reads, so the forwarding logic holds no message text (as service-errors.ts).
import { ServiceError } from '../protocol/service-protocol.ts';

export const hostErrors = {
  tooDeep: (method: string, depth: number) => new ServiceError('E_BAD_REQUEST', `${method}: params are nested more than ${depth} deep`),
  abandoned: (method: string, graceMs: number) =>
    new ServiceError(
      'E_CANCELLED',
      `${method} was cancelled; it did not stop ` +
        `within ${graceMs} ms but the engine is not busy (the request is waiting), so it was abandoned and the engine kept running`,
    ),
  unavailable: (why: string) => new ServiceError('E_ENGINE_UNAVAILABLE', why),
  notSendable: (method: string, why: string) => new ServiceError('E_BAD_REQUEST', `${method} could not be sent to the engine: ${why}`),
  cancelRestarted: (method: string, graceMs: number) =>
    new ServiceError('E_CANCELLED', `${method} was cancelled; it did not stop within ${graceMs} ms, so the engine was restarted`),
  /** `how`: the process's end as a phrase (host-errors' exitPhrase). */
  restarted: (method: string, how: string, details: { exitCode: number | null; signal: string | null; stderr: string }) =>
    new ServiceError(
      'E_ENGINE_RESTARTED',
      `the engine process ${how} while running ${method}; a fresh engine has started ` + '(documents opened before must be opened again)',
      details,
    ),
  /** How the process ended, for the messages above. */
  exitPhrase: (code: number | null, signal: string | null): string => (signal ? `was killed (${signal})` : `exited with code ${code}`),
  /** Why the host gives up restarting (then every request answers unavailable with it). */
  cannotStart: (why: string) => `the engine process could not be started: ${why}`,
  gaveUp: (how: string, times: number, tail: string) =>
    `the engine process ${how} before it was ready, ${times} times in a row: ${tail.trim().slice(-600) || 'no output'}`,
  closed: () => new Error('this connection to the engine is closed'),
};
