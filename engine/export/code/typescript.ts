// The document as TypeScript on the engine API: a Block subclass with one child per layer (the
// document's names as prefixes, so parameter files with Gluon names load into it) and forward()
// in graph order — the model a person would write by hand, computing exactly what runModel does.

import type { ExportGraph } from '../export-graph.ts';
import { codePlan, denseInUnits, NO_CODE, quote, titleSuffix, unsupported, type CodeLayer } from './code-plan.ts';

const RESERVED = new Set([
  'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else', 'enum', 'export',
  'extends', 'false', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof', 'new', 'null', 'return', 'super',
  'switch', 'this', 'throw', 'true', 'try', 'typeof', 'var', 'void', 'while', 'with', 'let', 'static', 'yield', 'await',
  'np', 'examples', 'Block', 'Dense', 'Dropout', 'Activation', 'Flatten', 'NDArray',
]);
const tsIdentifier = (name: string): string => (RESERVED.has(name) ? `${name}_` : name);

/** The child's class (for the field's type) and its construction. */
function childOf(l: CodeLayer): { type: string; make: string } | null {
  const a = l.op.attrs;
  const prefix = `prefix: ${quote(`${l.op.name}_`)}`;
  switch (l.op.kind) {
    case 'Dense': {
      const args: string[] = [];
      if (a.activation) args.push(`activation: ${quote(a.activation as string)}`);
      const inUnits = denseInUnits(l.op);
      if (inUnits > 0) args.push(`inUnits: ${inUnits}`);
      if (a.useBias === false) args.push('useBias: false');
      if (a.flatten === false) args.push('flatten: false');
      const owner = l.partialTies[0]?.[1];
      if (owner) args.push(`params: this.${owner.attr}.params`); // tied, as Gluon's Dense(..., params=shared.params)
      return { type: 'Dense', make: `new Dense(${String(a.units)}, { ${[...args, prefix].join(', ')} })` };
    }
    case 'MyDense': return { type: 'examples.MyDense', make: `new examples.MyDense(${String(a.units)}, ${String(a.inUnits)}, { ${prefix} })` };
    case 'CenteredLayer': return { type: 'examples.CenteredLayer', make: `new examples.CenteredLayer({ ${prefix} })` };
    case 'Dropout': {
      const axes = (a.axes as number[] | undefined) ?? [];
      return { type: 'Dropout', make: `new Dropout(${String(a.rate)}, { ${axes.length ? `axes: [${axes.join(', ')}], ` : ''}${prefix} })` };
    }
    case 'Activation': return { type: 'Activation', make: `new Activation(${quote(a.activation as string)}, { ${prefix} })` };
    case 'Flatten': return { type: 'Flatten', make: `new Flatten({ ${prefix} })` };
    case 'Concat': return null;
    default: throw unsupported(l.op, 'TypeScript', NO_CODE[l.op.kind] ?? `the generator does not know ${l.op.kind}`);
  }
}

function expressionOf(l: CodeLayer): string {
  if (l.op.kind !== 'Concat') return `this.${l.attr}.call(${l.inputs.join(', ')})`;
  // Concat's own forward: np.concat along the axis, negative axes counted from the end.
  const axis = l.op.attrs.axis as number;
  const rank = l.op.inputShapes[0]!.length;
  return `np.concat([${l.inputs.join(', ')}], ${axis < 0 ? axis + rank : axis})`;
}

export interface TypeScriptCodeOptions {
  title?: string;
  /** The module specifier of the engine's entry point (engine/index.ts), relative to the generated file. */
  engineImport: string;
}

/**
 * TypeScript source of the graph as an engine Block subclass, with a loader.
 * @example writeFileSync('mlp.ts', typescriptCode(exportGraph(model), { engineImport: '../engine/index.ts' }));
 */
export function typescriptCode(graph: ExportGraph, options: TypeScriptCodeOptions): string {
  const plan = codePlan(graph, tsIdentifier, 'layer');
  const fields: string[] = [];
  const init: string[] = [];
  const forward: string[] = [];
  const used = new Set<string>(['Block', 'type NDArray']);
  for (const l of plan.layers) {
    const partial = l.partialTies.length > 0 && (l.partialTies.length < l.op.params.size || new Set(l.partialTies.map(([, o]) => o)).size > 1);
    if (partial) throw unsupported(l.op, 'TypeScript', 'only some of its parameters are tied; the generator ties whole layers');
    if (l.reuses) forward.push(`    // ${l.op.name} shares ${l.reuses.op.name}'s parameters: the same child`);
    else {
      const child = childOf(l);
      if (child) {
        used.add(child.type.startsWith('examples.') ? 'examples' : child.type);
        fields.push(`  readonly ${l.attr}: ${child.type};`);
        init.push(`    this.${l.attr} = this.registerChild(${child.make}, ${quote(l.attr)});`);
      }
    }
    if (l.op.kind === 'Concat') used.add('np');
    forward.push(`    const ${l.output} = ${expressionOf(l)};`);
  }
  const args = plan.inputs.map((i) => `${i}: NDArray`).join(', ');
  const body = plan.outputs.length === 1
    ? `  override forward(${args}): NDArray {\n${forward.join('\n')}\n    return ${plan.outputs[0]!};\n  }`
    : `  /** Every output, in the order of the document's Output nodes. */\n  forwardAll(${args}): NDArray[] {\n${forward.join('\n')}\n` +
      `    return [${plan.outputs.join(', ')}];\n  }\n\n  override forward(${args}): NDArray {\n    return this.forwardAll(${plan.inputs.join(', ')})[0]!;\n  }`;
  const imports = [...used].sort((a, b) => a.replace('type ', '').localeCompare(b.replace('type ', '')));
  return `// ${plan.className}${titleSuffix(options.title)}
// Generated by Blocksmith from a graph document: the same model on the engine API. Children take
// the document's names as prefixes (dense0_), so parameter files with Gluon names load into it.
import { ${imports.join(', ')} } from ${quote(options.engineImport)};

export class ${plan.className} extends Block {
${fields.join('\n')}

  constructor() {
    super();
${init.join('\n')}
  }

${body}
}

/** A ${plan.className} holding the parameters of \`path\` (.params, .npz or .safetensors keyed dense0_weight, ...). */
export async function load${plan.className}(path: string): Promise<${plan.className}> {
  const net = new ${plan.className}();
  await net.loadParameters(path);
  return net;
}
`;
}
