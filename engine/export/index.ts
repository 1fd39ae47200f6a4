// The export layer's public API: parameter files for other tools (MXNet .params, .npz,
// .safetensors with the document embedded), ONNX (opset 17), and code (PyTorch, Gluon, TypeScript).
//
// @example
//   const model = await prepareModel(doc, { params: 'trained.params' });
//   await exportModel(model, { target: 'onnx', path: 'net.onnx' });
//   const { model: again } = await openModelFile('net.safetensors'); // document + parameters

export { ExportError } from './export-error.ts';
export type { ExportErrorCode } from './export-error.ts';
export { exportGraph, sharedWith } from './export-graph.ts';
export type { ExportGraph, ExportOp, ExportValue } from './export-graph.ts';
export { prepareModel } from './prepare-model.ts';
export { exportModel, engineImportFor, EXPORT_TARGETS } from './export-model.ts';
export type { ExportRequest, ExportResult, ExportTarget } from './export-model.ts';
export { exportOnnx, checkOnnxExportable } from './onnx/onnx-export.ts';
export { encodeModel, IR_VERSION, OPSET_VERSION } from './onnx/onnx-proto.ts';
export { ProtoWriter, decodeFields, decodePackedInts } from './onnx/protobuf.ts';
export { pytorchCode } from './code/pytorch.ts';
export { gluonCode } from './code/gluon.ts';
export { typescriptCode } from './code/typescript.ts';
export { exportParameters, parameterEntries, defaultKeys } from './params/parameter-export.ts';
export type { ParameterFormat, ParameterKeys, ParameterExportOptions, ExportedEntry } from './params/parameter-export.ts';
export { openModelFile, readEmbeddedDocument } from './params/open-model-file.ts';
export { exportTorchJob, TORCH_JOB_FORMAT } from './torch-job/torch-job.ts';
export type { TorchJobOptions, TorchJobReport, LrScaling } from './torch-job/torch-job.ts';
export { readJobProgress } from './torch-job/job-follow.ts';
export { startJob, stopJob, findTorchrun } from './torch-job/job-launch.ts';
