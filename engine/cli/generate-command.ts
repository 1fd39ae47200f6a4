// `blocksmith generate`: samples text from a character language model in a private engine process,
// through the service API as the editor does: the document is opened, its model built by one
// forward pass of zero ids, the trained parameters loaded, then generateText.
//   blocksmith generate DOC.json --params FILE --text FILE.txt [--prompt P] [--length N] [--temperature T] [--seed S] [--json] [--trust]
import { parseArgs } from 'node:util';
import { isUserErrorCode, ServiceError } from '../protocol/service-protocol.ts';
import { startLocalEngine } from '../service/client.ts';
import { untrustedCodeMessage } from './code-trust.ts';
import { flagNumber, readDocumentJson, TrainUsageError } from './train-options.ts';

export const GENERATE_USAGE =
  '  blocksmith generate DOC.json --params FILE --text FILE.txt [--prompt P] [--length N] [--temperature T] [--seed S] ' + '[--json] [--trust]';

const FLAGS = {
  params: { type: 'string' },
  text: { type: 'string' },
  prompt: { type: 'string' },
  length: { type: 'string' },
  temperature: { type: 'string' },
  seed: { type: 'string' },
  json: { type: 'boolean', default: false },
  trust: { type: 'boolean', default: false },
} as const;

export async function generateCommand(args: string[]): Promise<number> {
  try {
    return await generate(args);
  } catch (error) {
    if (error instanceof TrainUsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`blocksmith generate: ${(error as Error).message}\nusage:\n${GENERATE_USAGE}\n`);
      return 1;
    }
    if (error instanceof ServiceError) {
      process.stderr.write(`blocksmith generate: ${error.code}: ${error.message}\n`);
      return isUserErrorCode(error.code) ? 1 : 2;
    }
    throw error;
  }
}

async function generate(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: FLAGS });
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new TrainUsageError('generate takes one document');
  if (!values.params) throw new TrainUsageError('--params is required: the trained parameters (blocksmith train --save-params)');
  if (!values.text) throw new TrainUsageError('--text is required: the text file the model was trained on (its characters are the vocabulary)');
  const length = flagNumber('length', values.length, true) ?? 200;
  const temperature = flagNumber('temperature', values.temperature, false);
  const seed = flagNumber('seed', values.seed, true);
  const document = (await readDocumentJson(file)) as { input?: { shape?: number[] } };
  const engine = await startLocalEngine();
  try {
    const { client } = engine;
    const opened = await client.call('openDocument', { document, trust: values.trust });
    const untrusted = untrustedCodeMessage(file, opened);
    if (untrusted) throw new TrainUsageError(untrusted);
    // One pass of zero ids builds the model (deferred shapes), so the parameter file has places to go.
    const steps = Math.max(1, document.input?.shape?.[1] ?? 1);
    await client.call('forward', { docId: opened.docId, input: [{ shape: [1, steps], dtype: 'int32', data: new Array<number>(steps).fill(0) }], maxValues: 0 });
    await client.call('loadParameters', { docId: opened.docId, path: values.params });
    const answer = await client.call('generateText', {
      docId: opened.docId,
      prompt: values.prompt ?? '\n',
      length,
      textFile: values.text,
      ...(temperature !== undefined ? { temperature } : {}),
      ...(seed !== undefined ? { seed } : {}),
    });
    process.stdout.write(values.json ? `${JSON.stringify(answer)}\n` : `${answer.text}\n`);
    return 0;
  } finally {
    await engine.close();
  }
}
