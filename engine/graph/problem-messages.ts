// The texts of the node checks' problems (engine/graph/validate-node.ts), beside their codes, so
// the checks hold logic only. Each says what was found, what was expected and, where it helps,
// what happens now. Structural checks (validate.ts) still write theirs inline.
import { formatShape } from '../core/errors.ts';

export const nodeProblemText = {
  attrType: (kind: string, attr: string, what: string, got: string) => `${kind}.${attr} must be ${what}, got ${got}.`,
  attrRange: (kind: string, attr: string, range: string, doc: string, got: unknown) => `${kind}.${attr} must be ${range} (${doc}), got ${String(got)}.`,
  attrChoice: (kind: string, attr: string, choices: readonly string[], got: string) => `${kind}.${attr} must be one of ${choices.join(', ')}, got ${got}.`,
  attrRequired: (kind: string, attr: string, doc: string) => `${kind} needs '${attr}' (${doc}).`,
  attrUnknown: (kind: string, attr: string, known: readonly string[]) => `${kind} has no attribute '${attr}' (it has ${known.join(', ') || 'none'}); it is ignored.`,
  paramUnknown: (node: string, kind: string, param: string, own: readonly string[]) => `${node} (${kind}) has no parameter '${param}'; it has ${own.join(', ') || 'none'}.`,
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
