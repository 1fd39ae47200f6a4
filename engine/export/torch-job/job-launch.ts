// Starting a PyTorch training job on this machine: torchrun found on PATH, one process per job
// directory, its output's tail kept for the editor, stopped by SIGTERM (torchrun passes it on to
// its workers). A job on a cluster is started there; the editor only follows its directory.

import { spawn, type ChildProcess } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, join, resolve } from 'node:path';
import { ExportError } from '../export-error.ts';

const OUTPUT_TAIL = 8000;

export interface JobProcessInfo {
  running: boolean;
  pid: number | null;
  exitCode: number | null;
  signal: string | null;
  command: string;
  /** Stopped through stopJob (not a failure, whatever torchrun's exit code). */
  stopped: boolean;
  /** The last few thousand characters of its stdout and stderr. */
  output: string;
}

interface Launched {
  child: ChildProcess;
  info: JobProcessInfo;
}

const launched = new Map<string, Launched>();

/** The first executable `torchrun` on PATH, or null. */
export async function findTorchrun(path = process.env.PATH ?? ''): Promise<string | null> {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, process.platform === 'win32' ? 'torchrun.exe' : 'torchrun');
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      continue;
    }
  }
  return null;
}

export interface StartJobOptions {
  nprocPerNode?: number;
  /** A checkpoint (.npz) to continue from, or 'latest'. */
  resume?: string;
  device?: 'auto' | 'cpu' | 'cuda';
  /** The torchrun executable (default: found on PATH). */
  torchrun?: string;
}

/**
 * Starts `torchrun --standalone --nproc_per_node=N train.py` in `dir`.
 * @example await startJob('jobs/mnist', { nprocPerNode: 2 });
 */
export async function startJob(dir: string, options: StartJobOptions = {}): Promise<JobProcessInfo> {
  const root = resolve(dir);
  const running = launched.get(root);
  if (running?.info.running) throw new ExportError('E_EXPORT_JOB', '', `a job is already running in ${root} (pid ${running.info.pid}); stop it first`);
  const torchrun = options.torchrun ?? (await findTorchrun());
  if (!torchrun)
    throw new ExportError(
      'E_EXPORT_JOB',
      '',
      "torchrun is not on PATH: install PyTorch (pip install torch), or run the job elsewhere with the README's commands",
    );
  try {
    await access(join(root, 'train.py'));
  } catch {
    throw new ExportError('E_EXPORT_JOB', '', `${root} holds no train.py: export a training job there first`);
  }
  // Explicit --redirects/--tee: torch 1.13 on Python 3.11 cannot parse their default '0' (Std.from_str).
  const args = [
    '--standalone',
    `--nproc_per_node=${options.nprocPerNode ?? 2}`,
    '--redirects',
    '1',
    '--tee',
    '1',
    'train.py',
    ...(options.device ? ['--device', options.device] : []),
    ...(options.resume ? ['--resume', options.resume] : []),
  ];
  const child = spawn(torchrun, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: process.platform !== 'win32' });
  const info: JobProcessInfo = {
    running: true,
    pid: child.pid ?? null,
    exitCode: null,
    signal: null,
    command: [torchrun, ...args].join(' '),
    stopped: false,
    output: '',
  };
  const keep = (chunk: Buffer) => {
    info.output = (info.output + chunk.toString('utf8')).slice(-OUTPUT_TAIL);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.on('error', (e) => {
    info.output += `\n${e.message}`;
    info.running = false;
    info.exitCode = -1;
  });
  child.on('exit', (code, signal) => {
    info.running = false;
    info.exitCode = code;
    info.signal = signal;
  });
  launched.set(root, { child, info });
  return { ...info };
}

/** Stops the job this engine started in `dir` (its whole process group); resolves when it has exited. */
export async function stopJob(dir: string): Promise<JobProcessInfo | null> {
  const job = launched.get(resolve(dir));
  if (!job) return null;
  if (job.info.running) {
    job.info.stopped = true;
    const exited = new Promise<void>((done) => job.child.once('exit', () => done()));
    try {
      if (job.child.pid && process.platform !== 'win32') process.kill(-job.child.pid, 'SIGTERM');
      else job.child.kill('SIGTERM');
    } catch {
      // Already gone.
    }
    await exited;
  }
  return { ...job.info };
}

/** The job process this engine started in `dir`, if any. */
export function jobProcess(dir: string): JobProcessInfo | null {
  const job = launched.get(resolve(dir));
  return job ? { ...job.info } : null;
}
