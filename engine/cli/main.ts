// The `blocksmith` command line. Every command talks to a private engine process through the
// service API, exactly as the editor does. Exit codes: 0 ok, 1 a problem with the user's input
// (the message says what), 2 an internal error.
//   blocksmith run DOC.json [--input-shape 2,20] [--device cpu|gpu:0] [--seed N] [--save-params FILE] [--json] [--trust]
//   blocksmith params FILE
//   blocksmith validate DOC.json
//   blocksmith serve [--port N] [--host H] [--allow-dir DIR ...]
//   blocksmith import MODEL.onnx --out DOC.json [--params OUT.safetensors] [--partial]
import { untrustedCodeMessage } from './code-trust.ts';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { isUserErrorCode, ServiceError } from '../protocol/service-protocol.ts';
import { startLocalEngine, type LocalEngine } from '../service/client.ts';
import type { GraphDocument } from '../protocol/graph-document.ts';
import { edgeName } from './edge-names.ts';
import { describeProblem, formatArray, pyShape, table } from './format.ts';
import { exportCommand, EXPORT_USAGE } from './export-command.ts';
import { trainCommand, TRAIN_USAGE } from './train-command.ts';
import { importCommand, IMPORT_USAGE } from './import-command.ts';
import { generateCommand, GENERATE_USAGE } from './generate-command.ts';
import { mapWeightsCommand, MAP_WEIGHTS_USAGE } from './weights-command.ts';

const USAGE = `usage:
  blocksmith run DOC.json [--input-shape 2,20] [--device cpu|gpu:0] [--seed N] [--save-params FILE] [--json] [--trust]
  blocksmith params FILE
  blocksmith validate DOC.json
  blocksmith serve [--port N] [--host H] [--allow-dir DIR ...]
${EXPORT_USAGE}
${IMPORT_USAGE}
${MAP_WEIGHTS_USAGE}
${TRAIN_USAGE}
${GENERATE_USAGE}`;

/** A mistake in what the user typed or gave us: exit code 1. */
class UsageError extends Error {}

const out = (line = '') => process.stdout.write(`${line}\n`);

async function readDocument(file: string | undefined): Promise<unknown> {
  if (!file) throw new UsageError(`missing DOC.json\n${USAGE}`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file} is not JSON: ${(error as Error).message}`);
  }
}

function parseShape(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const dims = text.split(',').map((d) => d.trim());
  if (dims.some((d) => !/^\d+$/.test(d))) throw new UsageError(`--input-shape must be comma-separated non-negative integers, e.g. 2,20 (got '${text}')`);
  return dims.map(Number);
}

function parseSeed(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) > 2 ** 31 - 1) throw new UsageError(`--seed must be an integer from 0 to 2147483647 (got '${text}')`);
  return Number(text);
}

async function withEngine<T>(fn: (engine: LocalEngine) => Promise<T>): Promise<T> {
  const engine = await startLocalEngine();
  try {
    return await fn(engine);
  } finally {
    await engine.close();
  }
}

async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'input-shape': { type: 'string' },
      device: { type: 'string' },
      seed: { type: 'string' },
      'save-params': { type: 'string' },
      json: { type: 'boolean', default: false },
      trust: { type: 'boolean', default: false },
    },
  });
  if (positionals.length > 1) throw new UsageError(`run takes one document, got ${positionals.length}`);
  const document = await readDocument(positionals[0]);
  const inputShape = parseShape(values['input-shape']);
  const seed = parseSeed(values.seed);
  return withEngine(async ({ client }) => {
    const opened = await client.call('openDocument', { document, returnDocument: true, trust: values.trust });
    const untrusted = untrustedCodeMessage(positionals[0]!, opened);
    if (untrusted) throw new UsageError(untrusted);
    if (!opened.ok) {
      for (const p of opened.problems) process.stderr.write(`${positionals[0]}: ${describeProblem(p)}\n`);
      throw new UsageError(`${positionals[0]} has errors; fix them and run again`);
    }
    const result = await client.call('forward', {
      docId: opened.docId,
      maxValues: 100000,
      ...(inputShape ? { inputShape } : {}),
      ...(values.device ? { device: values.device } : {}),
      ...(seed !== undefined ? { seed } : {}),
    });
    if (values['save-params']) await client.call('saveParameters', { docId: opened.docId, path: values['save-params'] });
    if (values.json) {
      out(JSON.stringify({ outputs: result.outputs, edgeShapes: result.edgeShapes, parameters: result.parameters }));
      return 0;
    }
    result.outputs.forEach((o, i) => {
      out(`output ${i}: shape ${pyShape(o.shape)} ${o.dtype}`);
      out(formatArray(o));
    });
    // Edges by the names the editor shows (the layers of a repeat's copies as the model names them).
    const doc = opened.document as GraphDocument;
    const names = (await client.call('inferShapes', { docId: opened.docId, ...(inputShape ? { inputShape } : {}) })).nodes;
    out('\nedge shapes:');
    out(table(Object.entries(result.edgeShapes).map(([edge, shape]) => [edgeName(doc, edge, names), pyShape(shape)])));
    out(`\nparameters (${result.parameters.length}):`);
    out(table(result.parameters.map((p) => [p.name, pyShape(p.shape), p.dtype])));
    if (values['save-params']) out(`\nsaved parameters to ${values['save-params']}`);
    return 0;
  });
}

async function params(args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new UsageError(`params takes one file\n${USAGE}`);
  return withEngine(async ({ client }) => {
    const loaded = await client.call('loadArrays', { path: file, maxValues: 0 });
    out(`${file}: ${loaded.format}, ${loaded.entries.length} array(s)`);
    out(table(loaded.entries.map((e) => [e.name, pyShape(e.shape), e.dtype])));
    return 0;
  });
}

async function validate(args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  if (positionals.length > 1) throw new UsageError(`validate takes one document, got ${positionals.length}`);
  const document = await readDocument(positionals[0]);
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new UsageError(`${positionals[0]}: a document is a JSON object`);
  }
  return withEngine(async ({ client }) => {
    const { ok, problems } = await client.call('validate', { document: document as Record<string, unknown> });
    for (const p of problems) out(`${positionals[0]}: ${describeProblem(p)}`);
    const errors = problems.filter((p) => p.severity === 'error').length;
    out(ok ? `${positionals[0]}: valid${problems.length ? ` (${problems.length} warning(s))` : ''}` : `${positionals[0]}: ${errors} error(s)`);
    return ok ? 0 : 1;
  });
}

async function serveCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { port: { type: 'string', default: '5173' }, host: { type: 'string' }, 'allow-dir': { type: 'string', multiple: true } },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0..65535 (got '${values.port}')`);
  const { serve, ServeError } = await import('../../scripts/web-host/serve.ts');
  try {
    const allowDirs = values['allow-dir'] ?? [];
    const serving = await serve({ port, ...(values.host ? { host: values.host } : {}), ...(allowDirs.length > 0 ? { allowDirs } : {}) });
    await new Promise<void>((resolve) => {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
    });
    await serving.close();
    return 0;
  } catch (error) {
    if (error instanceof ServeError) throw new UsageError(error.message);
    throw error;
  }
}

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  run,
  params,
  validate,
  serve: serveCommand,
  export: exportCommand,
  import: importCommand,
  'map-weights': mapWeightsCommand,
  train: trainCommand,
  generate: generateCommand,
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    process.stderr.write(`blocksmith: no command given\n${USAGE}\n`);
    return 1;
  }
  if (command === '--help' || command === '-h' || command === 'help') {
    out(USAGE);
    return 0;
  }
  const fn = COMMANDS[command];
  try {
    if (!fn) throw new UsageError(`unknown command '${command}'\n${USAGE}`);
    return await fn(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`blocksmith: ${error.message}\n`);
      return 1;
    }
    if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`blocksmith: ${(error as Error).message}\n${USAGE}\n`);
      return 1;
    }
    if (error instanceof ServiceError) {
      process.stderr.write(`blocksmith: ${error.code}: ${error.message}\n`);
      return isUserErrorCode(error.code) ? 1 : 2;
    }
    process.stderr.write(`blocksmith: internal error: ${(error as Error).stack ?? String(error)}\n`);
    return 2;
  }
}

// `blocksmith run … | head` closes our stdout early; that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});
process.exitCode = await main(process.argv.slice(2));
