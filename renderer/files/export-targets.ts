// What File › Export… can write (the same targets as `blocksmith export`), the extension each
// one's file must have, and the check that a typed path matches the chosen target: the format is
// always the one chosen, never guessed from the name, and a name whose extension belongs to
// another format is refused with the name it should have (mnist.onnx is not written as .params).

export const EXPORT_TARGETS = ['onnx', 'pytorch', 'gluon', 'typescript', 'safetensors', 'npz', 'mxnet'] as const;
export type ExportTarget = (typeof EXPORT_TARGETS)[number];

export interface ExportTargetInfo {
  label: string;
  extension: string;
  /** What the file holds, for the dialog's hint. */
  detail: string;
  /** Parameter files can choose their keys; code and ONNX name parameters themselves. */
  parameterFile: boolean;
}

export const EXPORT_TARGET_INFO: Record<ExportTarget, ExportTargetInfo> = {
  onnx: { label: 'ONNX (opset 17)', extension: '.onnx', detail: 'graph and values; runs in onnxruntime', parameterFile: false },
  pytorch: { label: 'PyTorch code', extension: '.py', detail: 'an nn.Module class and its parameter values', parameterFile: false },
  gluon: { label: 'Gluon code', extension: '.py', detail: 'a HybridBlock class and its parameter values', parameterFile: false },
  typescript: { label: 'TypeScript code', extension: '.ts', detail: 'the model built with the engine, values included', parameterFile: false },
  safetensors: {
    label: 'safetensors (model)',
    extension: '.safetensors',
    detail: 'values and the graph: File › Open reopens it as a model',
    parameterFile: true,
  },
  npz: { label: 'NumPy .npz', extension: '.npz', detail: 'values by name (numpy.load)', parameterFile: true },
  mxnet: { label: 'MXNet .params', extension: '.params', detail: "values in Gluon's save_parameters layout", parameterFile: true },
};

/** Every extension some target writes (lower case, with the dot). */
const KNOWN_EXTENSIONS = new Set(EXPORT_TARGETS.map((t) => EXPORT_TARGET_INFO[t].extension));

function splitName(path: string): { dir: string; stem: string; ext: string } {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1;
  const name = path.slice(cut);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? { dir: path.slice(0, cut), stem: name.slice(0, dot), ext: name.slice(dot).toLowerCase() } : { dir: path.slice(0, cut), stem: name, ext: '' };
}

/** `path` with the target's extension: a known export extension is replaced, anything else is kept and the extension added. */
export function withTargetExtension(path: string, target: ExportTarget): string {
  const { dir, stem, ext } = splitName(path.trim());
  const wanted = EXPORT_TARGET_INFO[target].extension;
  if (ext === wanted) return path.trim();
  if (KNOWN_EXTENSIONS.has(ext)) return `${dir}${stem}${wanted}`;
  return `${path.trim()}${wanted}`;
}

export type ExportPathCheck = { ok: true; path: string } | { ok: false; error: string; suggestion: string };

/**
 * Whether `path` may be written as `target`: it must end in the target's extension. A name with
 * no extension gets it added (ok); a name with another one is refused with the corrected name.
 */
export function checkExportPath(path: string, target: ExportTarget): ExportPathCheck {
  const trimmed = path.trim();
  const info = EXPORT_TARGET_INFO[target];
  if (trimmed === '') return { ok: false, error: 'Type the path of the file to write.', suggestion: '' };
  const { stem, ext } = splitName(trimmed);
  if (stem === '') return { ok: false, error: `${trimmed} names a folder; add a file name ending in ${info.extension}.`, suggestion: '' };
  if (ext === info.extension) return { ok: true, path: trimmed };
  if (ext === '') return { ok: true, path: `${trimmed}${info.extension}` };
  const suggestion = withTargetExtension(trimmed, target);
  return {
    ok: false,
    error: `${info.label} files end in ${info.extension}, not ${ext}: write ${suggestion} instead, or choose the format that writes ${ext}.`,
    suggestion,
  };
}

/** The first path the dialog offers: next to the document's file, named after it. */
export function defaultExportPath(filePath: string | null, fileName: string, target: ExportTarget): string {
  const base = filePath ?? fileName;
  return withTargetExtension(base.replace(/\.json$/i, ''), target);
}
