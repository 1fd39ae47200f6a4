// The graph layer's coded problem catalog (style convention 20): every problem found in a
// document is a value with a code, a message a person can act on, and its place (node, port,
// parameter, block definition, JSON path), so the editor can show it where it happens.

export interface Problem {
  code: string;
  message: string;
  severity: 'error' | 'warning';
  nodeId?: string;
  port?: string;
  param?: string;
  blockId?: string;
  path?: string;
}

/** Stable codes (the UI and the CLI key on them); see docs/graph-format.md for each. */
export const PROBLEM_CODES = {
  schema: 'E_SCHEMA',
  format: 'E_FORMAT',
  version: 'E_VERSION',
  json: 'E_JSON',
  idDuplicate: 'E_ID_DUPLICATE',
  nameDuplicate: 'E_NAME_DUPLICATE',
  kindUnknown: 'E_KIND_UNKNOWN',
  kindContainer: 'E_KIND_CONTAINER',
  attrRequired: 'E_ATTR_REQUIRED',
  attrType: 'E_ATTR_TYPE',
  attrRange: 'E_ATTR_RANGE',
  attrChoice: 'E_ATTR_CHOICE',
  attrUnknown: 'W_ATTR_UNKNOWN',
  edgeNode: 'E_EDGE_NODE',
  edgePort: 'E_EDGE_PORT',
  portUnconnected: 'E_PORT_UNCONNECTED',
  portMultiple: 'E_PORT_MULTIPLE',
  cycle: 'E_CYCLE',
  inputMissing: 'E_INPUT_MISSING',
  outputMissing: 'E_OUTPUT_MISSING',
  unused: 'W_NODE_UNUSED',
  blockMissing: 'E_BLOCK_MISSING',
  blockRecursive: 'E_BLOCK_RECURSIVE',
  blockField: 'E_BLOCK_FIELD',
  repeatCount: 'E_REPEAT_COUNT',
  nestingDepth: 'E_NESTING_DEPTH',
  expansionLimit: 'E_EXPANSION_LIMIT',
  jsonDepth: 'E_JSON_DEPTH',
  memoryBudget: 'E_MEMORY_BUDGET',
  paramUnknown: 'E_PARAM_UNKNOWN',
  tieTarget: 'E_TIE_TARGET',
  tieShape: 'E_TIE_SHAPE',
  tieCycle: 'E_TIE_CYCLE',
  tieSettings: 'W_TIE_SETTINGS',
  initUnknown: 'E_INIT_UNKNOWN',
  inputShape: 'E_INPUT_SHAPE',
  shapeMismatch: 'E_SHAPE_MISMATCH',
  shapeUnknown: 'W_SHAPE_UNKNOWN',
} as const;
export type ProblemCode = (typeof PROBLEM_CODES)[keyof typeof PROBLEM_CODES];

export function problem(code: ProblemCode, message: string, place: Omit<Problem, 'code' | 'message' | 'severity'> = {}): Problem {
  const severity = code.startsWith('W_') ? 'warning' : 'error';
  const out: Problem = { code, message, severity };
  for (const [k, v] of Object.entries(place)) if (v !== undefined) (out as unknown as Record<string, unknown>)[k] = v;
  return out;
}

export const hasErrors = (problems: readonly Problem[]): boolean => problems.some((p) => p.severity === 'error');

/** Thrown by buildModel for an invalid document; `problems` lists every one of them. */
export class GraphError extends Error {
  readonly code = 'E_GRAPH_INVALID';
  readonly problems: readonly Problem[];
  constructor(problems: readonly Problem[], what = 'The document cannot be built') {
    const errors = problems.filter((p) => p.severity === 'error');
    super(
      `${what}: ${errors.length} problem(s):\n${errors.slice(0, 20).map(describeProblem).join('\n')}` +
        (errors.length > 20 ? `\n... and ${errors.length - 20} more` : ''),
    );
    this.name = 'GraphError';
    this.problems = problems;
  }
}

/** One line with the code, the place and the message (for logs and the CLI). */
export function describeProblem(p: Problem): string {
  const place = [
    p.blockId && `block ${p.blockId}`,
    p.nodeId && `node ${p.nodeId}`,
    p.port && `port ${p.port}`,
    p.param && `param ${p.param}`,
    p.path && `at ${p.path}`,
  ]
    .filter(Boolean)
    .join(', ');
  return `${p.severity === 'error' ? 'error' : 'warning'} ${p.code}${place ? ` (${place})` : ''}: ${p.message}`;
}
