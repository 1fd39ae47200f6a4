// The kernel grid's layout: which weights are kernels, what is fetched, where each value is drawn.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  KERNEL_GAP,
  KERNEL_MAX_FILTERS,
  KERNEL_SCALE,
  kernelAt,
  kernelCanvasSize,
  kernelCell,
  kernelGridOf,
  kernelSlice,
} from '../../renderer/panels/kernel-grid-model.ts';

test('convolution weights are kernel grids; dense weights and huge kernels are not', () => {
  assert.deepEqual(kernelGridOf([6, 1, 5, 5]), { filters: 6, channels: 1, totalFilters: 6, totalChannels: 1, kh: 5, kw: 5 });
  assert.deepEqual(kernelGridOf([128, 3, 3]), { filters: KERNEL_MAX_FILTERS, channels: 3, totalFilters: 128, totalChannels: 3, kh: 1, kw: 3 });
  assert.equal(kernelGridOf([256, 20]), null);
  assert.equal(kernelGridOf([4, 4, 32, 32]), null);
  assert.equal(kernelGridOf([4, -1, 3, 3]), null);
  assert.equal(kernelGridOf(null), null);
});

test('the fetched slice is the first filters and channels with whole kernels', () => {
  const g = kernelGridOf([100, 16, 3, 3])!;
  assert.deepEqual(kernelSlice(g, 4), [{ start: 0, stop: 64 }, { start: 0, stop: 8 }, {}, {}]);
  assert.deepEqual(kernelSlice(kernelGridOf([4, 2, 7])!, 3), [{ start: 0, stop: 4 }, { start: 0, stop: 2 }, {}]);
});

test('values land in their filter row and channel column; the pointer finds the tile back', () => {
  const g = kernelGridOf([3, 2, 2, 3])!;
  const tileW = 3 * KERNEL_SCALE + KERNEL_GAP;
  const tileH = 2 * KERNEL_SCALE + KERNEL_GAP;
  assert.deepEqual(kernelCanvasSize(g), { width: 2 * tileW - KERNEL_GAP, height: 3 * tileH - KERNEL_GAP });
  // Value (filter 2, channel 1, row 1, col 2) is element ((2·2 + 1)·2 + 1)·3 + 2 = 35 of the slice.
  assert.deepEqual(kernelCell(g, 35), { x: tileW + 2 * KERNEL_SCALE, y: 2 * tileH + KERNEL_SCALE, filter: 2, channel: 1 });
  assert.deepEqual(kernelCell(g, 0), { x: 0, y: 0, filter: 0, channel: 0 });
  assert.deepEqual(kernelAt(g, tileW + 1, 2 * tileH + 1), { filter: 2, channel: 1 });
  assert.equal(kernelAt(g, 3 * KERNEL_SCALE + 1, 0), null); // in the gap between tiles
  assert.equal(kernelAt(g, 0, 3 * tileH + 1), null); // below the grid
});
