// Every kernel re-checks shapes, strides, offsets, dims and buffer types before touching memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addon, BOOL, buf, F32, F64, get, I32, I64, throwsCode, U8 } from './helpers';

const four = () => buf(F32, [1, 2, 3, 4]);

test('copyStrided / fillStrided: strides or offsets that reach past the end', () => {
  const src = four(),
    dst = buf(F32, [0, 0, 0, 0]);
  throwsCode(() => addon.copyStrided(F32, src, 1, [1], dst, 0, [1], [4]), 'E_OUT_OF_BOUNDS', /copyStrided: src/);
  throwsCode(() => addon.copyStrided(F32, src, 0, [1], dst, 0, [2], [4]), 'E_OUT_OF_BOUNDS', /dst.*holds 4 elements/);
  throwsCode(() => addon.copyStrided(F32, src, 0, [2, 1], dst, 0, [2, 1], [2, 3]), 'E_OUT_OF_BOUNDS');
  throwsCode(() => addon.copyStrided(F32, src, 0, [1], dst, 0, [1, 1], [4]), 'E_NATIVE_ARGS', /rank/);
  throwsCode(() => addon.copyStrided(F32, src, 0, [-1], dst, 0, [1], [4]), 'E_NATIVE_ARGS');
  throwsCode(() => addon.copyStrided(F32, src, 0, [1], dst, 0, [1], [-4]), 'E_NATIVE_ARGS');
  throwsCode(() => addon.copyStrided(F32, src, 0, [1], dst, 0, [1], [2.5]), 'E_NATIVE_ARGS');
  throwsCode(() => addon.copyStrided(F32, src, 0.5, [1], dst, 0, [1], [2]), 'E_NATIVE_ARGS');
  throwsCode(() => addon.copyStrided(F32, src, 0, [2 ** 52], dst, 0, [1], [4]), 'E_OUT_OF_BOUNDS');
  throwsCode(() => addon.copyStrided(F32, src, 0, [2 ** 53], dst, 0, [1], [2 ** 53]), 'E_OUT_OF_BOUNDS');
  throwsCode(() => addon.copyStrided(F32, src, 0, [1], dst, 0, [1], 4 as never), 'E_NATIVE_ARGS');
  // Elements counted in the kernel's dtype: a float64 view of 4 float32s has 2 elements.
  throwsCode(() => addon.copyStrided(F64, src, 0, [1], dst, 0, [1], [3]), 'E_OUT_OF_BOUNDS');
  throwsCode(() => addon.fillStrided(F32, dst, 3, [1], [2], 0), 'E_OUT_OF_BOUNDS', /fillStrided/);
  assert.deepEqual(get(F32, dst, 4), [0, 0, 0, 0], 'nothing was written');
  // An empty extent touches nothing, whatever the offset.
  addon.copyStrided(F32, src, 100, [1], dst, 100, [1], [0]);
});

test('fill, cast, random: n larger than the buffer', () => {
  const b = four();
  throwsCode(() => addon.fill(F32, b, 5, 0), 'E_OUT_OF_BOUNDS', /fill: out/);
  throwsCode(() => addon.fill(F64, b, 3, 0), 'E_OUT_OF_BOUNDS');
  throwsCode(() => addon.fill(F32, b, -1, 0), 'E_NATIVE_ARGS');
  throwsCode(() => addon.cast(F32, b, F64, buf(F64, 3), 4), 'E_OUT_OF_BOUNDS', /dst/);
  throwsCode(() => addon.randomUniform(F32, b, 5, 0, 1, 1, 0), 'E_OUT_OF_BOUNDS');
  throwsCode(() => addon.randomNormal(F32, b, 4, 0, 1, -1, 0), 'E_NATIVE_ARGS', /seed/);
  throwsCode(() => addon.randomNormal(F32, b, 4, 0, 1, 1, 0.5), 'E_NATIVE_ARGS', /counter/);
  throwsCode(() => addon.randomUniform(I32, b, 4, 0, 1, 1, 0), 'E_DTYPE');
  assert.deepEqual(get(F32, b, 4), [1, 2, 3, 4]);
});

test('unary / unaryBackward / binaryScalar: n larger than any buffer', () => {
  const x = four(),
    small = buf(F32, 2);
  throwsCode(() => addon.unary(0, F32, x, small, 4), 'E_OUT_OF_BOUNDS', /unary\(relu\): out/);
  throwsCode(() => addon.unary(0, F32, small, x, 4), 'E_OUT_OF_BOUNDS', /x needs 4 elements/);
  throwsCode(() => addon.unaryBackward(0, F32, x, x, small, x, 4), 'E_OUT_OF_BOUNDS', /dy/);
  throwsCode(() => addon.binaryScalar(0, F32, x, 1, false, small, 4), 'E_OUT_OF_BOUNDS', /binaryScalar\(add\)/);
  throwsCode(() => addon.binaryScalar(7, F32, x, 1, false, buf(BOOL, 3), 4), 'E_OUT_OF_BOUNDS');
  throwsCode(() => addon.binaryScalar(0, F32, x, 1, 1 as never, x, 4), 'E_NATIVE_ARGS', /scalarFirst/);
  throwsCode(() => addon.unary(0, F32, x, x, Infinity), 'E_NATIVE_ARGS');
});

test('binary: operand strides, output size, rank mismatches', () => {
  const a = four(),
    out = four();
  throwsCode(() => addon.binary(0, F32, a, [3, 1], a, [0, 1], out, [2, 2]), 'E_OUT_OF_BOUNDS', /binary\(add\): a/);
  throwsCode(() => addon.binary(0, F32, a, [1], a, [1], out, [5]), 'E_OUT_OF_BOUNDS');
  throwsCode(() => addon.binary(0, F32, a, [1], a, [1], buf(F32, 3), [4]), 'E_OUT_OF_BOUNDS', /out/);
  throwsCode(() => addon.binary(7, F32, a, [1], a, [1], buf(BOOL, 3), [4]), 'E_OUT_OF_BOUNDS');
  throwsCode(() => addon.binary(0, F32, a, [1, 1], a, [1], out, [4]), 'E_NATIVE_ARGS');
  throwsCode(() => addon.binary(0, F32, a, [1], a, [1], out, [-4]), 'E_NATIVE_ARGS');
  throwsCode(() => addon.binary(13 as never, F32, a, [1], a, [1], out, [4]), 'E_NATIVE_ARGS');
  throwsCode(() => addon.binary(0, 6 as never, a, [1], a, [1], out, [4]), 'E_DTYPE');
  throwsCode(() => addon.binary(0, F32, a, [1], {} as never, [1], out, [4]), 'E_NATIVE_ARGS', /b must be/);
  throwsCode(() => addon.binary(0, F32, a, ['1'] as never, a, [1], out, [4]), 'E_NATIVE_ARGS');
  const big = new Array(33).fill(1);
  throwsCode(() => addon.binary(0, F32, a, big, a, big, out, big), 'E_NATIVE_ARGS', /rank 33/);
  assert.deepEqual(get(F32, out, 4), [1, 2, 3, 4]);
});

test('binaryFlat: n past an operand or the output, bad steps and codes', () => {
  const a = four(),
    out = four();
  throwsCode(() => addon.binaryFlat(0, F32, a, 1, a, 1, out, 5), 'E_OUT_OF_BOUNDS', /binaryFlat\(add\): a/);
  throwsCode(() => addon.binaryFlat(0, F32, a, 1, buf(F32, 3), 1, out, 4), 'E_OUT_OF_BOUNDS', /b needs/);
  throwsCode(() => addon.binaryFlat(0, F32, a, 1, a, 1, buf(F32, 3), 4), 'E_OUT_OF_BOUNDS', /out/);
  throwsCode(() => addon.binaryFlat(7, F32, a, 1, a, 1, buf(BOOL, 3), 4), 'E_OUT_OF_BOUNDS');
  throwsCode(() => addon.binaryFlat(0, F32, buf(F32, 0), 0, a, 1, out, 4), 'E_OUT_OF_BOUNDS', /a needs 1/);
  throwsCode(() => addon.binaryFlat(0, F32, a, 2, a, 1, out, 2), 'E_NATIVE_ARGS', /aStep and bStep/);
  throwsCode(() => addon.binaryFlat(0, F32, a, -1, a, 1, out, 2), 'E_NATIVE_ARGS');
  throwsCode(() => addon.binaryFlat(0, F32, a, 1, a, 1, out, -1), 'E_NATIVE_ARGS');
  throwsCode(() => addon.binaryFlat(13 as never, F32, a, 1, a, 1, out, 4), 'E_NATIVE_ARGS');
  throwsCode(() => addon.binaryFlat(1, BOOL, buf(BOOL, 4), 1, buf(BOOL, 4), 1, buf(BOOL, 4), 4), 'E_DTYPE');
  throwsCode(() => addon.binaryFlat(0, F32, a, 1, {} as never, 1, out, 4), 'E_NATIVE_ARGS', /b must be/);
  addon.binaryFlat(0, F32, buf(F32, 0), 0, a, 1, out, 0); // n = 0 reads nothing
  assert.deepEqual(get(F32, out, 4), [1, 2, 3, 4]);
});

test('reduce / softmax: shapes larger than buffers, bad axes', () => {
  const x = four(),
    out = buf(F32, 2);
  throwsCode(() => addon.reduce(0, F32, x, [2, 3], [1], out), 'E_OUT_OF_BOUNDS', /reduce\(sum\): x/);
  throwsCode(() => addon.reduce(0, F32, x, [2, 2], [], buf(F32, 3)), 'E_OUT_OF_BOUNDS', /out/);
  throwsCode(() => addon.reduce(5, F32, x, [2, 2], [1], out), 'E_OUT_OF_BOUNDS', /out/); // int64 out: 16 bytes
  throwsCode(() => addon.reduce(0, F32, x, [2, 2], [2], out), 'E_NATIVE_ARGS', /axis 2/);
  throwsCode(() => addon.reduce(0, F32, x, [2, 2], [1, 0], out), 'E_NATIVE_ARGS', /sorted/);
  throwsCode(() => addon.reduce(0, F32, x, [2, 2], [1, 1], out), 'E_NATIVE_ARGS');
  throwsCode(() => addon.reduce(5, F32, x, [2, 2], [0, 1], buf(I64, 1)), 'E_NATIVE_ARGS', /exactly one axis/);
  throwsCode(() => addon.reduce(2, F32, x, [2, 0], [1], out), 'E_NATIVE_ARGS', /empty/);
  throwsCode(() => addon.reduce(1, I32, x, [4], [0], out), 'E_DTYPE');
  throwsCode(() => addon.softmax(F32, x, out, 1, 4, 1, false), 'E_OUT_OF_BOUNDS', /softmax: out/);
  throwsCode(() => addon.softmax(F32, x, x, 2, 2, 2, false), 'E_OUT_OF_BOUNDS');
  throwsCode(() => addon.softmax(F32, x, x, 2 ** 40, 2 ** 40, 1, false), 'E_OUT_OF_BOUNDS', /too large/);
  throwsCode(() => addon.softmax(I32, x, x, 1, 4, 1, false), 'E_DTYPE');
  throwsCode(() => addon.softmaxBackward(F32, x, out, x, 1, 4, 1, true), 'E_OUT_OF_BOUNDS', /dy/);
  throwsCode(() => addon.softmax(F32, x, x, 1, -4, 1, false), 'E_NATIVE_ARGS');
});

test('matmul / linear: operand blocks past the end, batch strides, dims', () => {
  const a = buf(F32, 6),
    b = buf(F32, 6),
    out = buf(F32, 4);
  addon.matmul(F32, a, b, out, 1, 2, 2, 3, false, false, 0, 0);
  throwsCode(() => addon.matmul(F32, a, b, out, 1, 2, 2, 4, false, false, 0, 0), 'E_OUT_OF_BOUNDS', /matmul: a/);
  throwsCode(() => addon.matmul(F32, a, b, out, 2, 2, 2, 3, false, false, 0, 0), 'E_OUT_OF_BOUNDS', /out/);
  throwsCode(() => addon.matmul(F32, a, b, buf(F32, 8), 2, 2, 2, 3, false, false, 1, 0), 'E_OUT_OF_BOUNDS', /a/);
  throwsCode(() => addon.matmul(F32, a, b, buf(F32, 8), 2, 2, 2, 3, false, false, 0, 6), 'E_OUT_OF_BOUNDS', /b/);
  throwsCode(() => addon.matmul(F32, a, b, out, 1, 2, 2, 3.5, false, false, 0, 0), 'E_NATIVE_ARGS');
  throwsCode(() => addon.matmul(F32, a, b, out, 1, -2, 2, 3, false, false, 0, 0), 'E_NATIVE_ARGS');
  throwsCode(() => addon.matmul(BOOL, a, b, out, 1, 1, 1, 1, false, false, 0, 0), 'E_DTYPE');
  throwsCode(() => addon.matmul(F32, a, b, out, 1, 2, 2, 3, 0 as never, false, 0, 0), 'E_NATIVE_ARGS', /transA/);
  throwsCode(() => addon.matmul(F32, a, b, out, 1, 2 ** 31, 2 ** 31, 2 ** 31, false, false, 0, 0), 'E_OUT_OF_BOUNDS');
  const x = buf(F32, 6),
    w = buf(F32, 6),
    bias = buf(F32, 2);
  addon.linear(F32, x, w, bias, out, 2, 3, 2, -1);
  addon.linear(F32, x, w, null, out, 2, 3, 2, 0);
  throwsCode(() => addon.linear(F32, x, w, bias, out, 2, 3, 3, -1), 'E_OUT_OF_BOUNDS', /linear: w/);
  throwsCode(() => addon.linear(F32, x, w, buf(F32, 1), out, 2, 3, 2, -1), 'E_OUT_OF_BOUNDS', /bias/);
  throwsCode(() => addon.linear(F32, x, w, bias, out, 3, 2, 2, -1), 'E_OUT_OF_BOUNDS', /out/);
  throwsCode(() => addon.linear(F32, x, w, bias, out, 2, 3, 2, 12), 'E_NATIVE_ARGS', /activation/);
  throwsCode(() => addon.linear(F32, x, w, bias, out, 2, 3, 2, -2), 'E_NATIVE_ARGS');
  throwsCode(() => addon.linear(I32, x, w, bias, out, 2, 3, 2, -1), 'E_DTYPE');
  throwsCode(() => addon.linear(U8, x, w, 5 as never, out, 2, 3, 2, -1), 'E_DTYPE');
  throwsCode(() => addon.linear(F32, x, w, 5 as never, out, 2, 3, 2, -1), 'E_NATIVE_ARGS', /bias must be/);
});

test('async kernels reject (never throw) with the same codes', async () => {
  const { rejectsCode } = await import('./helpers');
  const a = buf(F32, 6);
  await rejectsCode(addon.matmulAsync(F32, a, a, a, 1, 3, 3, 3, false, false, 0, 0), 'E_OUT_OF_BOUNDS');
  await rejectsCode(addon.linearAsync(F32, a, a, null, a, 2, 3, 3, -1), 'E_OUT_OF_BOUNDS');
  const gone = buf(F32, 1);
  addon.dispose(gone);
  await rejectsCode(addon.matmulAsync(F32, gone, a, a, 1, 1, 1, 1, false, false, 0, 0), 'E_DISPOSED');
  await rejectsCode((addon.matmulAsync as unknown as () => Promise<void>)(), 'E_NATIVE_ARGS');
});
