// `blocksmith map-weights`: another framework's weights (a PyTorch state_dict saved as .npz or
// .safetensors, Gluon names) against a document, through the engine service (mapForeignWeights):
// the mapping is printed first (matched, missing, unexpected, shape mismatches); with --out the
// matched values are applied and the model's values written there (.safetensors with the document).
//   blocksmith map-weights DOC.json WEIGHTS.npz [--out OUT.safetensors] [--allow-missing] [--ignore-extra]
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ServiceError } from '../protocol/service-protocol.ts';
import { startLocalEngine } from '../service/client.ts';
import { pyShape } from './format.ts';

export const MAP_WEIGHTS_USAGE = '  blocksmith map-weights DOC.json WEIGHTS.(npz|safetensors) [--out OUT.safetensors] [--allow-missing] [--ignore-extra]';

function fail(message: string): number {
  process.stderr.write(`blocksmith map-weights: ${message}\n`);
  return 1;
}

/** At most `n` lines of a list, then how many more. */
const some = (lines: string[], n = 10): string[] => (lines.length > n ? [...lines.slice(0, n), `... ${lines.length - n} more`] : lines);

export async function mapWeightsCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { out: { type: 'string' }, 'allow-missing': { type: 'boolean', default: false }, 'ignore-extra': { type: 'boolean', default: false } },
  });
  if (positionals.length !== 2) return fail(`takes a document and a weights file, got ${positionals.length} argument(s)\nusage:\n${MAP_WEIGHTS_USAGE}`);
  const [docFile, weights] = positionals as [string, string];
  let document: unknown;
  try {
    document = JSON.parse(await readFile(docFile, 'utf8'));
  } catch (error) {
    return fail(`${docFile}: ${(error as Error).message}`);
  }
  const engine = await startLocalEngine();
  try {
    const { client } = engine;
    const { docId } = await client.call('openDocument', { document });
    // One forward on a random batch of the document's input shape settles every deferred shape.
    await client.call('forward', { docId, maxValues: 0 });
    const options = { docId, path: weights, allowMissing: values['allow-missing'], ignoreExtra: values['ignore-extra'] };
    const m = await client.call('mapForeignWeights', options);
    const out = (line: string) => process.stdout.write(`${line}\n`);
    out(
      `${weights} → ${docFile}: ${m.matched.length} matched, ${m.missing.length} missing, ${m.unexpected.length} unexpected, ` +
        `${m.shapeMismatches.length} shape mismatch(es)`,
    );
    for (const s of some(m.shapeMismatches.map((x) => `shape mismatch: ${x.key} ${pyShape(x.fileShape)} → ${x.parameter} ${pyShape(x.shape)}`))) out(s);
    for (const s of some(m.missing.map((x) => `missing: ${x}`))) out(s);
    for (const s of some(m.unexpected.map((x) => `unexpected: ${x}`))) out(s);
    if (!values.out) return 0;
    const applied = await client.call('mapForeignWeights', { ...options, apply: true });
    await client.call('saveParameters', { docId, path: values.out });
    out(`applied ${applied.applied} value(s); wrote ${values.out}`);
    return 0;
  } catch (error) {
    if (error instanceof ServiceError && ['E_LOAD_MISMATCH', 'E_FILE_NOT_FOUND', 'E_LOAD_FORMAT', 'E_INVALID_DOCUMENT'].includes(error.code)) {
      return fail(error.message);
    }
    throw error;
  } finally {
    await engine.close();
  }
}
