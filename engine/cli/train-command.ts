// `blocksmith train`: trains a document's model in a private engine process through the service
// API (startTraining + its events), exactly as the editor's training panel does, then saves the
// parameters. Ctrl-C stops the run after its current step (and writes a checkpoint when asked to).
//   blocksmith train DOC.json --data mnist|spirals|linear|FILE.csv|FILE.npz|FILE.npy|FILE.txt [--label COL] [--features A,B] [--window T] [--stride S]
//     --epochs N [--batch-size B] [--lr X] [--optimizer sgd|adam|adamw] [--momentum M] [--wd W] [--seed S]
//     [--validation F] [--device cpu|gpu:0] [--save-params OUT] [--checkpoint-dir D] [--checkpoint-every N]
//     [--resume CKPT] [--json]
import { untrustedCodeMessage } from './code-trust.ts';
import { parseArgs } from 'node:util';
import type { TrainingStatus } from '../protocol/training-config.ts';
import { isUserErrorCode, ServiceError } from '../protocol/service-protocol.ts';
import { startLocalEngine } from '../service/client.ts';
import { describeProblem } from './format.ts';
import { readDocumentJson, TRAIN_FLAGS, TrainUsageError, trainingConfigFromFlags } from './train-options.ts';

export const TRAIN_USAGE =
  '  blocksmith train DOC.json --data mnist|spirals|linear|FILE.csv|FILE.npz|FILE.npy|FILE.txt [--label COL] [--features A,B] ' +
  '[--window T] [--stride S] ' +
  '--epochs N [--batch-size B] [--lr X] [--optimizer sgd|adam|adamw] [--momentum M] [--wd W] [--seed S] [--validation F] ' +
  '[--device D] [--save-params OUT] [--checkpoint-dir D] [--checkpoint-every N] [--resume CKPT] [--json] [--trust]';

const out = (line = '') => process.stdout.write(`${line}\n`);

const fmt = (v: number | null, digits = 4): string => (v === null ? '-' : v.toFixed(digits));

export async function trainCommand(args: string[]): Promise<number> {
  try {
    return await train(args);
  } catch (error) {
    if (error instanceof TrainUsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`blocksmith train: ${(error as Error).message}\nusage:\n${TRAIN_USAGE}\n`);
      return 1;
    }
    throw error;
  }
}

async function train(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...TRAIN_FLAGS, 'save-params': { type: 'string' }, json: { type: 'boolean', default: false }, trust: { type: 'boolean', default: false } },
  });
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new TrainUsageError('train takes one document');
  const config = trainingConfigFromFlags(values);
  const document = await readDocumentJson(file);

  const engine = await startLocalEngine();
  try {
    const { client } = engine;
    const opened = await client.call('openDocument', { document, trust: values.trust });
    const untrusted = untrustedCodeMessage(file, opened);
    if (untrusted) throw new TrainUsageError(untrusted);
    if (!opened.ok) {
      for (const p of opened.problems) process.stderr.write(`${file}: ${describeProblem(p)}\n`);
      throw new TrainUsageError(`${file} has errors; fix them and train again`);
    }
    // Listen before starting: events may come before the answer.
    const finished = new Map<string, TrainingStatus>();
    let runId: string | null = null;
    let settle: ((s: TrainingStatus) => void) | null = null;
    client.on('training-finished', (s) => {
      finished.set(s.runId, s);
      if (s.runId === runId) settle?.(s);
    });
    client.on('training-progress', (p) => {
      if (values.json) return;
      for (const e of p.epochsDone) {
        out(
          `epoch ${e.epoch + 1}/${p.epochs}  loss ${fmt(e.trainLoss)}  acc ${fmt(e.trainAccuracy)}  ` +
            `val_loss ${fmt(e.validationLoss)}  val_acc ${fmt(e.validationAccuracy)}  (${e.seconds.toFixed(2)} s)`,
        );
      }
    });
    const started = await client.call('startTraining', { docId: opened.docId, config });
    runId = started.runId;
    if (!values.json) out(`training ${file} on ${started.trainSize} samples (${started.validationSize} for validation), ${started.totalSteps} steps`);
    const onSignal = () => void client.call('stopTraining', { runId: started.runId }).catch(() => undefined);
    process.once('SIGINT', onSignal);
    const status =
      finished.get(started.runId) ??
      (await new Promise<TrainingStatus>((resolve) => {
        settle = resolve;
      }));
    process.off('SIGINT', onSignal);
    if (status.state === 'failed') {
      const code = status.error?.code ?? 'E_INTERNAL';
      throw new ServiceError(code, status.error?.message ?? 'training failed');
    }
    const saveTo = values['save-params'];
    if (saveTo) await client.call('saveParameters', { docId: opened.docId, path: saveTo });
    if (values.json) {
      out(
        JSON.stringify({
          runId: status.runId,
          state: status.state,
          step: status.step,
          history: status.history,
          samplesPerSecond: status.samplesPerSecond,
          checkpoint: status.checkpoint,
          savedParams: saveTo ?? null,
        }),
      );
    } else {
      out(`${status.state} after ${status.step} steps (${fmt(status.samplesPerSecond, 0)} samples/s)`);
      if (status.checkpoint) out(`checkpoint: ${status.checkpoint}`);
      if (saveTo) out(`saved parameters to ${saveTo}`);
    }
    return 0;
  } catch (error) {
    if (error instanceof ServiceError) {
      process.stderr.write(`blocksmith train: ${error.code}: ${error.message}\n`);
      return isUserErrorCode(error.code) ? 1 : 2;
    }
    throw error;
  } finally {
    await engine.close();
  }
}
