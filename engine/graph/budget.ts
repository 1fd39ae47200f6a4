// The memory a document's model needs before anything is allocated: its parameters plus one
// forward's activations (every edge's tensor) at the document's batch, from shape inference. A
// model past the budget (engine/protocol/limits.ts, raised with BLOCKSMITH_MEMORY_BUDGET) is refused
// with E_MEMORY_BUDGET, so Dense(units: 2000000000) fails in validation, not after 15 GB.

import type { GraphDocument } from '../protocol/graph-document.ts';
import { currentLimits, formatBytes, type Limits } from '../protocol/limits.ts';
import { problem, PROBLEM_CODES as C, type Problem } from './problems.ts';

interface ShapeFacts {
  edges: Record<string, { shape: number[]; dtype: string }>;
  nodes: Record<string, { paramCount: number }>;
}

const BYTES: Readonly<Record<string, number>> = { float16: 2, bfloat16: 2, float32: 4, float64: 8, int8: 1, uint8: 1, int32: 4, int64: 8, bool: 1 };

/** What the model needs, in bytes: parameters, and activations of one forward at the batch. */
export function memoryNeeds(doc: GraphDocument, report: ShapeFacts): { parameters: number; activations: number; paramCount: number; batch: number } {
  const batch = doc.input.shape[0] !== undefined && doc.input.shape[0] > 0 ? doc.input.shape[0] : 1;
  const width = BYTES[doc.input.dtype] ?? 4;
  // Main-graph nodes only: an instance's or a repeat's entry already sums what is inside it.
  let paramCount = 0;
  for (const n of doc.nodes) paramCount += report.nodes[n.id]?.paramCount ?? 0;
  let activations = 0;
  for (const { shape, dtype } of Object.values(report.edges)) {
    // An unknown dim is the batch (or a size only data will tell, counted as 1).
    activations += shape.reduce((a, d, i) => a * (d >= 0 ? d : i === 0 ? batch : 1), 1) * (BYTES[dtype] ?? 4);
  }
  return { parameters: paramCount * width, activations, paramCount, batch };
}

/** E_MEMORY_BUDGET when the model cannot fit the budget; empty otherwise. */
export function checkBudget(doc: GraphDocument, report: ShapeFacts, limits: Pick<Limits, 'memoryBudgetBytes'> = currentLimits()): Problem[] {
  const need = memoryNeeds(doc, report);
  const total = need.parameters + need.activations;
  if (total <= limits.memoryBudgetBytes) return [];
  return [
    problem(
      C.memoryBudget,
      `The model needs ${formatBytes(total)} (${need.paramCount.toLocaleString('en-US')} parameters: ` +
        `${formatBytes(need.parameters)}; activations of one forward at batch ${need.batch}: ${formatBytes(need.activations)}), over the ` +
        `${formatBytes(limits.memoryBudgetBytes)} memory budget; make it smaller, or raise the budget with BLOCKSMITH_MEMORY_BUDGET (e.g. 32GB).`,
      { path: '' },
    ),
  ];
}
