// File › Export…'s path check: the targets are the CLI's, each file gets its format's extension,
// a name with another format's extension is refused with the corrected one (the issue: mnist.onnx
// was written with MXNet bytes), and changing the format switches the extension.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXPORT_USAGE } from '../../engine/cli/export-command.ts';
import { EXPORT_TARGETS, EXPORT_TARGET_INFO, checkExportPath, defaultExportPath, withTargetExtension } from '../../renderer/files/export-targets.ts';

test('the dialog offers exactly the targets `blocksmith export` has', () => {
  const cli = [...EXPORT_USAGE.matchAll(/--(onnx|pytorch|gluon|typescript|safetensors|npz|mxnet) /g)].map((m) => m[1]);
  assert.deepEqual([...EXPORT_TARGETS].sort(), [...new Set(cli)].sort());
});

test("a name with another format's extension is refused, naming the one it should have", () => {
  const wrong = checkExportPath('/m/mnist.onnx', 'mxnet');
  assert.equal(wrong.ok, false);
  assert.ok(!wrong.ok && wrong.suggestion === '/m/mnist.params' && /end in \.params, not \.onnx/.test(wrong.error));
  assert.deepEqual(checkExportPath('/m/mnist.params', 'mxnet'), { ok: true, path: '/m/mnist.params' });
  // No extension: the format's is added; an unrelated one is kept and the format's appended when switching.
  assert.deepEqual(checkExportPath('out/mnist', 'onnx'), { ok: true, path: 'out/mnist.onnx' });
  assert.equal(checkExportPath('  ', 'onnx').ok, false);
  assert.equal(checkExportPath('models/', 'npz').ok, false);
  // Upper-case extensions are the same extension.
  assert.deepEqual(checkExportPath('A.ONNX', 'onnx'), { ok: true, path: 'A.ONNX' });
});

test('switching the format switches the extension; the first path is next to the document', () => {
  assert.equal(withTargetExtension('/m/net.onnx', 'pytorch'), '/m/net.py');
  assert.equal(withTargetExtension('/m/net.py', 'typescript'), '/m/net.ts');
  assert.equal(withTargetExtension('/m/net.v2', 'npz'), '/m/net.v2.npz');
  assert.equal(defaultExportPath('/home/me/mlp.json', 'mlp.json', 'safetensors'), '/home/me/mlp.safetensors');
  assert.equal(defaultExportPath(null, 'untitled.json', 'onnx'), 'untitled.onnx');
  for (const t of EXPORT_TARGETS) assert.ok(checkExportPath(`x${EXPORT_TARGET_INFO[t].extension}`, t).ok, t);
});
