// One test body per device (style.md #12): cpu always; gpu(0) is skipped, with the reason the
// addon gives, when there is no CUDA build or no GPU. A CUDA backend slots in without new tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BINARY_OP, DEVICE_TYPE, REDUCE_OP, UNARY_OP, type DeviceTypeCode, type NativeBuffer } from '../../engine/backend/native-addon';
import { addon, close, F32, throwsCode } from './helpers';

const devices: { name: string; type: DeviceTypeCode; skip: string | false }[] = [
  { name: 'cpu(0)', type: DEVICE_TYPE.cpu, skip: false },
  { name: 'gpu(0)', type: DEVICE_TYPE.gpu, skip: addon.numGpus() > 0 ? false : addon.capabilities().cudaReason || 'no GPU' },
];

function onDevice(type: DeviceTypeCode, values: number[]): NativeBuffer {
  const b = addon.alloc(type, 0, values.length * 4);
  addon.write(b, 0, new Float32Array(values));
  return b;
}

function read(b: NativeBuffer, n: number): number[] {
  const out = new Float32Array(n);
  addon.read(b, 0, out);
  return Array.from(out);
}

for (const device of devices) {
  test(`elementwise, reduce, softmax and matmul on ${device.name}`, { skip: device.skip }, () => {
    const x = onDevice(device.type, [1, -2, 3, -4, 5, -6]);
    const y = onDevice(device.type, [6, 5, 4, 3, 2, 1]);
    const out = onDevice(device.type, [0, 0, 0, 0, 0, 0]);
    addon.binary(BINARY_OP.mul, F32, x, [3, 1], y, [3, 1], out, [2, 3]);
    assert.deepEqual(read(out, 6), [6, -10, 12, -12, 10, -6]);
    addon.unary(UNARY_OP.relu, F32, x, out, 6);
    assert.deepEqual(read(out, 6), [1, 0, 3, 0, 5, 0]);
    addon.reduce(REDUCE_OP.sum, F32, x, [2, 3], [0], out);
    assert.deepEqual(read(out, 3), [-3, 3, -3]);
    addon.softmax(F32, x, out, 1, 6, 1, false);
    assert.ok(Math.abs(read(out, 6).reduce((a, b) => a + b, 0) - 1) < 1e-6);
    addon.matmul(F32, x, y, out, 1, 2, 2, 3, false, true, 0, 0);
    close(read(out, 4), [6 - 10 + 12, 3 - 4 + 3, -24 + 25 - 24, -12 + 10 - 6]);
    for (const b of [x, y, out]) addon.dispose(b);
  });
}

test('gpu requests without CUDA fail with E_NO_CUDA, naming the reason', { skip: addon.numGpus() > 0 ? 'a GPU is present' : false }, () => {
  // The reason depends on the build and the machine: no CUDA in the build, no driver, no device.
  throwsCode(() => addon.alloc(DEVICE_TYPE.gpu, 0, 4), 'E_NO_CUDA', /without CUDA|no NVIDIA driver|no CUDA device|BLOCKSMITH_CUDA=0/);
  throwsCode(() => addon.alloc(DEVICE_TYPE.gpu, 1, 0), 'E_NO_CUDA');
  // E_DEVICE_MISMATCH ("cpu(0) and gpu(0)") needs a gpu buffer to exist, so only a CUDA build can test it.
});
