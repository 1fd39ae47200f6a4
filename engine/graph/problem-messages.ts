// The texts of validation's problems (engine/graph/validate.ts, validate-node.ts), beside their
// codes, so the checks hold logic only. Each says what was found, what was expected and, where it
// helps, what to do or what happens now.
import { formatShape } from '../core/errors.ts';
import { REPEAT_MAX, REPEAT_MIN } from '../protocol/graph-document.ts';

const listed = (names: readonly string[]): string => names.join(', ') || 'none';

/** The structural checks' (validate.ts): ids, names, edges, ports, cycles, blocks and repeats. */
export const structureProblemText = {
  duplicateBlockId: (id: string) => `Two block definitions have the id '${id}'.`,
  inputShape: (shape: readonly number[]) => `An input shape's dims are positive, or -1 for one not known until run (the batch); got (${shape.join(', ')}).`,
  duplicateNodeId: (id: string) => `Two nodes have the id '${id}'.`,
  duplicateName: (otherId: string, id: string, name: string) =>
    `Nodes '${otherId}' and '${id}' are both named '${name}'; names give parameter names (${name}_weight), so they must differ.`,
  containerParams: (name: string, kind: string) => `${name} (${kind}) holds no parameters of its own; set them on the layers inside.`,
  duplicateEdgeId: (id: string) => `Two edges have the id '${id}'.`,
  edgeNode: (edge: string, end: 'source' | 'target', node: string) =>
    `Edge '${edge}' ${end === 'source' ? 'starts at' : 'ends at'} node '${node}', which does not exist.`,
  edgePort: (edge: string, node: string, end: 'source' | 'target', port: string, ports: readonly string[]) =>
    `Edge '${edge}': ${node} has no ${end === 'source' ? 'output' : 'input'} port '${port}' (it has ${listed(ports)}).`,
  portUnconnected: (node: string, port: string) => `${node}'s input '${port}' is not connected.`,
  portMultiple: (node: string, port: string, edges: readonly string[]) =>
    `${node}'s input '${port}' takes one edge, but ${edges.length} arrive (${edges.slice(0, 10).join(', ')}${edges.length > 10 ? ', …' : ''}).`,
  cycle: (names: readonly string[]) =>
    `The graph has a cycle: ${[...names, names[0]].join(' → ')}; data cannot flow around a loop (use Repeat for repetition).`,
  inputMissing: (what: string) => `${what} has no Input node.`,
  outputMissing: (what: string) => `${what} has no Output node.`,
  repeatCount: (name: string, count: number | undefined) =>
    `${name} repeats ${count ?? 'an unset number of'} times; a count is ${REPEAT_MIN} to ${REPEAT_MAX}.`,
  repeatSource: (name: string) => `${name} (Repeat) needs exactly one of 'block' (a block definition) or 'sequence' (inline layers).`,
  sequenceKind: (name: string, kind: string) => `${name}: unknown layer kind '${kind}' in the repeated sequence.`,
  instanceBlock: (name: string) => `${name} (BlockInstance) needs 'block', the id of a block definition.`,
  blockMissing: (name: string, block: string | undefined, defined: readonly string[]) =>
    `${name} uses block definition '${block}', which does not exist (defined: ${listed(defined)}).`,
  repeatPorts: (name: string, block: string, inputs: number, outputs: number) =>
    `${name} repeats '${block}', which has ${inputs} inputs and ${outputs} outputs; copies chain output to input, so it needs one of each.`,
  kindUnknown: (name: string, kind: string) => `${name} has the unknown kind '${kind}'.`,
  kindContainer: (name: string, kind: string) =>
    `${name}: a ${kind} node would have no children here; draw its children in a block definition and use a BlockInstance.`,
  unused: (name: string) => `${name} does not lead to any Output, so it never runs.`,
};

/** The node checks' (validate-node.ts): attribute values and parameter settings. */
export const nodeProblemText = {
  attrType: (kind: string, attr: string, what: string, got: string) => `${kind}.${attr} must be ${what}, got ${got}.`,
  attrRange: (kind: string, attr: string, range: string, doc: string, got: unknown) => `${kind}.${attr} must be ${range} (${doc}), got ${String(got)}.`,
  attrChoice: (kind: string, attr: string, choices: readonly string[], got: string) => `${kind}.${attr} must be one of ${choices.join(', ')}, got ${got}.`,
  attrRequired: (kind: string, attr: string, doc: string) => `${kind} needs '${attr}' (${doc}).`,
  attrUnknown: (kind: string, attr: string, known: readonly string[]) =>
    `${kind} has no attribute '${attr}' (it has ${known.join(', ') || 'none'}); it is ignored.`,
  paramUnknown: (node: string, kind: string, param: string, own: readonly string[]) =>
    `${node} (${kind}) has no parameter '${param}'; it has ${own.join(', ') || 'none'}.`,
  tieSettings: (node: string, param: string, tieNode: string, tieParam: string) =>
    `${node}.${param} is tied to ${tieNode}.${tieParam}, so that parameter's init and constant settings apply; the ones given here are ignored.`,
  tieMissingNode: (node: string, param: string, tieNode: string, exists: boolean) =>
    `${node}.${param} is tied to node '${tieNode}', which ${exists ? 'is not a layer' : 'does not exist in this graph'}.`,
  tieSelf: (node: string, param: string) => `${node}.${param} is tied to itself.`,
  tieMissingParam: (node: string, param: string, target: string, targetKind: string, tieParam: string) =>
    `${node}.${param} is tied to ${target}.${tieParam}, but ${target} (${targetKind}) has no parameter '${tieParam}'.`,
  tieShape: (node: string, param: string, mine: readonly number[], target: string, tieParam: string, theirs: readonly number[]) =>
    `${node}.${param} ${formatShape(mine)} cannot be tied to ${target}.${tieParam} ${formatShape(theirs)}: the shapes can never match.`,
  tieCycle: (circle: readonly string[]) => `Parameters tied in a circle, so none holds the value: ${circle.join(' → ')}.`,
};
