// The handler of every method, loaded on first use. The modules that need the graph layer
// (documents, forward, parameters) are imported only when one of their methods is called, so
// the engine serves devices, arrays and diagnostics even where engine/graph is unavailable.
import type { HandlerLoaders } from '../dispatcher.ts';

const system = () => import('./system.ts');
const arrays = () => import('./array-files.ts');
const documents = () => import('./documents.ts');
const documentFiles = () => import('./document-files.ts');
const forward = () => import('./forward.ts');
const parameters = () => import('./parameters.ts');
const parameterFiles = () => import('./parameter-files.ts');
const training = () => import('./training.ts');
const exporting = () => import('./export.ts');
const catalog = () => import('./catalog.ts');
const importing = () => import('./import.ts');
const foreignWeights = () => import('./foreign-weights.ts');
const torchJob = () => import('./torch-job.ts');
const generate = () => import('./generate.ts');
const code = () => import('./code.ts');

export const handlerLoaders: HandlerLoaders = {
  ping: async () => (await system()).ping,
  listDevices: async () => (await system()).listDevices,
  matmulBenchmark: async () => (await system()).matmulBenchmark,
  saveArrays: async () => (await arrays()).saveArrays,
  loadArrays: async () => (await arrays()).loadArrays,
  openDocument: async () => (await documents()).openDocument,
  closeDocument: async () => (await documents()).closeDocument,
  readDocumentFile: async () => (await documentFiles()).readDocumentFile,
  writeDocumentFile: async () => (await documentFiles()).writeDocumentFile,
  validate: async () => (await documents()).validate,
  inferShapes: async () => (await documents()).inferShapes,
  layerCatalog: async () => (await catalog()).layerCatalog,
  checkCode: async () => (await code()).checkCode,
  exampleNames: async () => (await documents()).exampleNames,
  loadExample: async () => (await documents()).loadExample,
  forward: async () => (await forward()).forward,
  parameterTable: async () => (await parameters()).parameterTable,
  parameterValues: async () => (await parameters()).parameterValues,
  setParameter: async () => (await parameters()).setParameter,
  initialize: async () => (await parameters()).initialize,
  forceReinit: async () => (await parameters()).forceReinit,
  saveParameters: async () => (await parameterFiles()).saveParameters,
  loadParameters: async () => (await parameterFiles()).loadParameters,
  exportModel: async () => (await exporting()).exportModel,
  importModel: async () => (await importing()).importModel,
  mapForeignWeights: async () => (await foreignWeights()).mapForeignWeights,
  startTraining: async () => (await training()).startTraining,
  pauseTraining: async () => (await training()).pauseTraining,
  resumeTraining: async () => (await training()).resumeTraining,
  stopTraining: async () => (await training()).stopTraining,
  trainingStatus: async () => (await training()).trainingStatus,
  listCheckpoints: async () => (await training()).listCheckpoints,
  inspectDataFile: async () => (await training()).inspectDataFile,
  generateText: async () => (await generate()).generateText,
  exportTorchJob: async () => (await torchJob()).exportTorchJob,
  readTorchJob: async () => (await torchJob()).readTorchJob,
  startTorchJob: async () => (await torchJob()).startTorchJob,
  stopTorchJob: async () => (await torchJob()).stopTorchJob,
};
