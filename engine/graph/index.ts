// The graph layer's public API: a document (JSON as the canvas draws it) → parse / migrate /
// validate → shape inference without kernels → the Block tree the engine API would build by hand
// → a forward pass. The service, the CLI and the tests import from here.
//
// @example
//   const { document, problems } = parseDocument(JSON.parse(text));
//   const report = inferShapes(document!);            // per-edge shapes, per-node params and FLOPs
//   const model = buildModel(document!);               // model.net is a Block; names from the document
//   const { outputs, edgeShapes } = runModel(model, []); // random input of the input shape, seeded

export { zGraphDocument, GRAPH_FORMAT, GRAPH_VERSION } from '../protocol/graph-document.ts';
export { nextNodeName, nameHint } from '../protocol/graph-names.ts';
export type { GraphDocument, GraphNode, GraphEdge, BlockDefinition, ParamSettings, InputSpec, GraphBody } from '../protocol/graph-document.ts';
export type { Problem } from './problems.ts';
export { problem, hasErrors } from './problems.ts';
export { GraphError, describeProblem, PROBLEM_CODES } from './problems.ts';
export { migrateDocument, MIGRATIONS } from './migrate.ts';
export { parseDocument, validateDocument } from './parse.ts';
export { inferShapes } from './shapes.ts';
export type { ShapeReport, NodeShapes } from './shapes.ts';
export { buildModel } from './build.ts';
export type { BuiltModel } from './build.ts';
export { GraphBlock } from './graph-block.ts';
export { runModel, documentDevice, concreteInputShapes } from './run.ts';
export { loadExample, exampleNames } from './examples.ts';
