// `blocksmith export`: a document (or a .safetensors file that carries one) written as ONNX, code
// or a parameter file, through the engine service like every other command:
//   openDocument → forward (builds and initializes) → loadParameters (--params) → exportModel.
//   blocksmith export DOC.json [--params P] [--gluon-names | --structural-names]
//     (--onnx OUT.onnx | --pytorch OUT.py | --gluon OUT.py | --typescript OUT.ts |
//      --safetensors OUT | --npz OUT | --mxnet OUT.params) ...
import { untrustedCodeMessage } from './code-trust.ts';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { readEmbeddedDocument } from '../export/params/open-model-file.ts';
import { startLocalEngine } from '../service/client.ts';
import { describeProblem, pyShape, table } from './format.ts';

export const EXPORT_USAGE = `  blocksmith export DOC.json|MODEL.safetensors [--trust] [--params P] [--gluon-names | --structural-names] ` +
  '(--onnx OUT.onnx | --pytorch OUT.py | --gluon OUT.py | --typescript OUT.ts | --safetensors OUT | --npz OUT | --mxnet OUT.params)...';

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

export async function exportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: {
      params: { type: 'string' }, 'gluon-names': { type: 'boolean', default: false }, 'structural-names': { type: 'boolean', default: false },
      onnx: { type: 'string' }, pytorch: { type: 'string' }, gluon: { type: 'string' }, typescript: { type: 'string' },
      safetensors: { type: 'string' }, npz: { type: 'string' }, mxnet: { type: 'string' }, trust: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) return fail(`takes one document, got ${positionals.length}\nusage:\n${EXPORT_USAGE}`);
  const jobs = TARGETS.flatMap((target) => (values[target] === undefined ? [] : [{ target, path: values[target] }]));
  if (jobs.length === 0) return fail(`say what to write: ${TARGETS.map((t) => `--${t} OUT`).join(', ')}`);
  if (values['gluon-names'] && values['structural-names']) return fail('--gluon-names and --structural-names exclude each other');
  const keys = values['gluon-names'] ? 'gluon' as const : values['structural-names'] ? 'structural' as const : undefined;
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
    return 0;
  } finally {
    await engine.close();
  }
}
