// `blocksmith export`: a document (or a .safetensors file that carries one) written as ONNX, code
// or a parameter file, through the engine service like every other command:
//   openDocument → forward (builds and initializes) → loadParameters (--params) → exportModel.
//   blocksmith export DOC.json [--params P] [--gluon-names | --structural-names]
//     (--onnx OUT.onnx | --pytorch OUT.py | --gluon OUT.py | --typescript OUT.ts |
//      --safetensors OUT | --npz OUT | --mxnet OUT.params) ...
//   blocksmith export DOC.json --torch-job DIR (--train-config CONFIG.json | --data D --epochs N [training flags])
//     [--nproc N] [--scale-lr none|linear|sqrt] [--per-process-batch]    (a PyTorch DDP job: docs/distributed.md)
import { untrustedCodeMessage } from './code-trust.ts';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { readEmbeddedDocument } from '../export/params/open-model-file.ts';
import { startLocalEngine } from '../service/client.ts';
import { describeProblem, pyShape, table } from './format.ts';
import { flagNumber, TRAIN_FLAGS, TrainUsageError, trainingConfigFromFlags } from './train-options.ts';
import type { TrainingConfigInput } from '../protocol/training-config.ts';

export const EXPORT_USAGE =
  `  blocksmith export DOC.json|MODEL.safetensors [--trust] [--params P] [--gluon-names | --structural-names] ` +
  '(--onnx OUT.onnx | --pytorch OUT.py | --gluon OUT.py | --typescript OUT.ts | --safetensors OUT | --npz OUT | --mxnet OUT.params)...\n' +
  '  blocksmith export DOC.json --torch-job DIR (--train-config CONFIG.json | --data D --epochs N [train flags]) [--params P] ' +
  '[--nproc N] [--scale-lr none|linear|sqrt] [--per-process-batch]';

const TARGETS = ['onnx', 'pytorch', 'gluon', 'typescript', 'safetensors', 'npz', 'mxnet'] as const;

/** A problem with what the user gave: printed, exit code 1. */
function fail(message: string): number {
  process.stderr.write(`blocksmith export: ${message}\n`);
  return 1;
}

/** The document: JSON text, or the one embedded in a .safetensors weight file (whose values are then the parameters). */
async function readSource(file: string): Promise<{ document: unknown; params?: string } | string> {
  if (file.toLowerCase().endsWith('.safetensors')) {
    try {
      return { document: await readEmbeddedDocument(file), params: file };
    } catch (error) {
      return (error as Error).message;
    }
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
  }
  try {
    return { document: JSON.parse(text) };
  } catch (error) {
    return `${file} is not JSON: ${(error as Error).message}`;
  }
}

const EXPORT_FLAGS = {
  params: { type: 'string' },
  'gluon-names': { type: 'boolean', default: false },
  'structural-names': { type: 'boolean', default: false },
  onnx: { type: 'string' },
  pytorch: { type: 'string' },
  gluon: { type: 'string' },
  typescript: { type: 'string' },
  safetensors: { type: 'string' },
  npz: { type: 'string' },
  mxnet: { type: 'string' },
  trust: { type: 'boolean', default: false },
  'torch-job': { type: 'string' },
  'train-config': { type: 'string' },
  nproc: { type: 'string' },
  'scale-lr': { type: 'string' },
  'per-process-batch': { type: 'boolean', default: false },
  ...TRAIN_FLAGS,
} as const;

type ExportValues = ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; options: typeof EXPORT_FLAGS }>>['values'];

/** The --torch-job request: its training config (a JSON file, or the train flags) and job options. */
async function torchJobRequest(values: ExportValues): Promise<{ config: TrainingConfigInput; options: Record<string, unknown> }> {
  let config: TrainingConfigInput;
  if (values['train-config']) {
    try {
      config = JSON.parse(await readFile(values['train-config'], 'utf8')) as TrainingConfigInput;
    } catch (error) {
      throw new TrainUsageError(`cannot read the training config ${values['train-config']}: ${(error as Error).message}`);
    }
  } else {
    config = trainingConfigFromFlags(values);
  }
  if (values.params && config.seed !== undefined) throw new TrainUsageError('--seed gives the job fresh parameters; leave it out to start from --params');
  const scale = values['scale-lr'];
  if (scale !== undefined && scale !== 'none' && scale !== 'linear' && scale !== 'sqrt')
    throw new TrainUsageError(`--scale-lr must be none, linear or sqrt (got '${scale}')`);
  const nproc = flagNumber('nproc', values.nproc, true);
  return {
    config,
    options: {
      ...(scale ? { scaleLr: scale } : {}),
      ...(nproc !== undefined ? { nprocPerNode: nproc } : {}),
      ...(values['per-process-batch'] ? { perProcessBatch: true } : {}),
    },
  };
}

export async function exportCommand(args: string[]): Promise<number> {
  let values: ExportValues;
  let positionals: string[];
  let torchJob: Awaited<ReturnType<typeof torchJobRequest>> | undefined;
  try {
    ({ values, positionals } = parseArgs({ args, allowPositionals: true, options: EXPORT_FLAGS }));
    if (values['torch-job']) torchJob = await torchJobRequest(values);
  } catch (error) {
    if (error instanceof TrainUsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))
      return fail(`${(error as Error).message}\nusage:\n${EXPORT_USAGE}`);
    throw error;
  }
  if (positionals.length !== 1) return fail(`takes one document, got ${positionals.length}\nusage:\n${EXPORT_USAGE}`);
  const jobs = TARGETS.flatMap((target) => (values[target] === undefined ? [] : [{ target, path: values[target]! }]));
  if (jobs.length === 0 && !torchJob) return fail(`say what to write: ${TARGETS.map((t) => `--${t} OUT`).join(', ')}, --torch-job DIR`);
  if (values['gluon-names'] && values['structural-names']) return fail('--gluon-names and --structural-names exclude each other');
  const keys = values['gluon-names'] ? ('gluon' as const) : values['structural-names'] ? ('structural' as const) : undefined;
  const source = await readSource(positionals[0]!);
  if (typeof source === 'string') return fail(source);
  const paramsFile = values.params ?? source.params;

  const engine = await startLocalEngine();
  try {
    const { client } = engine;
    const opened = await client.call('openDocument', { document: source.document, trust: values.trust });
    const untrusted = untrustedCodeMessage(positionals[0]!, opened);
    if (untrusted) return fail(untrusted);
    if (!opened.ok) {
      for (const p of opened.problems) process.stderr.write(`${positionals[0]}: ${describeProblem(p)}\n`);
      return fail(`${positionals[0]} has errors; fix them and export again`);
    }
    // One forward builds the model and settles deferred shapes, so a parameter file can load.
    await client.call('forward', { docId: opened.docId, maxValues: 0 });
    if (paramsFile) await client.call('loadParameters', { docId: opened.docId, path: paramsFile });
    for (const job of jobs) {
      const result = await client.call('exportModel', { docId: opened.docId, ...job, ...(keys ? { keys } : {}) });
      process.stdout.write(`wrote ${result.path} (${result.target}${paramsFile ? `, parameters from ${paramsFile}` : ', initial parameters'})\n`);
      // Parameter files list their keys (the names other tools will see); code and ONNX just say how many.
      if (result.bytes < 0) process.stdout.write(`${table(result.parameters.map((p) => [p.key, pyShape(p.shape), p.dtype]))}\n`);
      else process.stdout.write(`  ${result.bytes} bytes, ${result.parameters.length} parameter(s)\n`);
      for (const stub of result.stubs ?? []) process.stdout.write(`  STUB to finish by hand: ${stub}\n`);
    }
    if (torchJob) {
      const job = await client.call('exportTorchJob', { docId: opened.docId, config: torchJob.config, dir: values['torch-job']!, ...torchJob.options });
      process.stdout.write(
        `wrote the PyTorch training job ${job.dir} (${job.modelClass}, ${job.trainSize} training and ${job.validationSize} validation samples` +
          `${paramsFile ? `, parameters from ${paramsFile}` : ''})\n  ${job.files.join('\n  ')}\nrun it there with:\n  ${job.command}\n` +
          `(${job.torchrun ? `torchrun: ${job.torchrun}` : 'torchrun is not on PATH here'}; README.md has the commands for several machines)\n`,
      );
    }
    return 0;
  } finally {
    await engine.close();
  }
}
