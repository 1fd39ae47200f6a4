// `blocksmith import`: an ONNX model as a graph document, through the engine service (importModel)
// like every other command; the values go to a .safetensors beside it (or --params):
//   blocksmith import MODEL.onnx --out DOC.json [--params OUT.safetensors] [--partial]
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ServiceError } from '../protocol/service-protocol.ts';
import { startLocalEngine } from '../service/client.ts';

export const IMPORT_USAGE = '  blocksmith import MODEL.onnx --out DOC.json [--params OUT.safetensors] [--partial]';

function fail(message: string): number {
  process.stderr.write(`blocksmith import: ${message}\n`);
  return 1;
}

export async function importCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { out: { type: 'string' }, params: { type: 'string' }, partial: { type: 'boolean', default: false } },
  });
  if (positionals.length !== 1) return fail(`takes one model, got ${positionals.length}\nusage:\n${IMPORT_USAGE}`);
  if (!values.out) return fail(`say where the document goes: --out DOC.json\nusage:\n${IMPORT_USAGE}`);
  const model = positionals[0]!;
  const parametersPath = values.params ?? values.out.replace(/\.json$/i, '') + '.safetensors';
  const engine = await startLocalEngine();
  try {
    const r = await engine.client.call('importModel', { path: model, parametersPath, ...(values.partial ? { partial: true } : {}) });
    await writeFile(values.out, `${JSON.stringify(r.document, null, 2)}\n`);
    const rep = r.report;
    process.stdout.write(
      `imported ${model} (opset ${rep.opset}${rep.producer ? `, from ${rep.producer}` : ''}): ${rep.layers} layers, ` +
        `${rep.blockInstances} block instances of ${rep.blockDefinitions} definitions, ${rep.parameterCount.toLocaleString('en-US')} parameters\n`,
    );
    process.stdout.write(`wrote ${values.out}${r.parametersFile ? ` and ${r.parametersFile}` : ''}\n`);
    for (const u of rep.unsupported) {
      process.stdout.write(`gap: ${u.opType} ×${u.count} (${u.nodes.slice(0, 3).join(', ')}${u.count > 3 ? ', ...' : ''}) is marked as a problem: ${u.why}\n`);
    }
    return 0;
  } catch (error) {
    if ((error instanceof ServiceError && error.code.startsWith('E_IMPORT')) || (error as ServiceError).code === 'E_FILE_NOT_FOUND') {
      return fail(`${model}: ${(error as Error).message}`);
    }
    throw error;
  } finally {
    await engine.close();
  }
}
