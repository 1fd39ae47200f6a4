// The kernel grid's pure logic: a convolution weight (O, I, kh, kw) — or (O, I, k) for 1-d — seen
// as a grid of small images, one row per filter and one column per input channel (what people
// watch to see filters learn). Which part is fetched (the first filters and channels), where each
// value lands in the picture, and the layout of the tiles. No React, so it is unit-tested.
import type { AxisRange } from './tensor-view-model.ts';

export const KERNEL_MAX_FILTERS = 64;
export const KERNEL_MAX_CHANNELS = 8;
/** Larger spatial sizes are not kernels people read as images. */
export const KERNEL_MAX_SIDE = 15;
/** Pixels per kernel value and between tiles. */
export const KERNEL_SCALE = 5;
export const KERNEL_GAP = 2;

export interface KernelGrid {
  /** Filters and channels shown (the first ones), of how many. */
  filters: number;
  channels: number;
  totalFilters: number;
  totalChannels: number;
  kh: number;
  kw: number;
}

/** The grid of a weight's shape, or null when it is not a convolution kernel. */
export function kernelGridOf(shape: readonly number[] | null): KernelGrid | null {
  if (!shape || (shape.length !== 3 && shape.length !== 4) || shape.some((d) => d < 1)) return null;
  const [o, i] = shape as [number, number];
  const kh = shape.length === 4 ? shape[2]! : 1;
  const kw = shape[shape.length - 1]!;
  if (kh > KERNEL_MAX_SIDE || kw > KERNEL_MAX_SIDE) return null;
  return { filters: Math.min(o, KERNEL_MAX_FILTERS), channels: Math.min(i, KERNEL_MAX_CHANNELS), totalFilters: o, totalChannels: i, kh, kw };
}

/** parameterValues' slice for the shown filters and channels (the whole kernel of each). */
export function kernelSlice(g: KernelGrid, rank: number): AxisRange[] {
  const spatial = rank === 4 ? [{}, {}] : [{}];
  return [{ start: 0, stop: g.filters }, { start: 0, stop: g.channels }, ...spatial];
}

/** The picture's size in pixels. */
export function kernelCanvasSize(g: KernelGrid): { width: number; height: number } {
  return {
    width: g.channels * (g.kw * KERNEL_SCALE + KERNEL_GAP) - KERNEL_GAP,
    height: g.filters * (g.kh * KERNEL_SCALE + KERNEL_GAP) - KERNEL_GAP,
  };
}

/** Where value k of the fetched slice (row-major over filters, channels, kh, kw) is drawn: its tile and cell. */
export function kernelCell(g: KernelGrid, k: number): { x: number; y: number; filter: number; channel: number } {
  const kw = k % g.kw;
  const kh = Math.floor(k / g.kw) % g.kh;
  const channel = Math.floor(k / (g.kw * g.kh)) % g.channels;
  const filter = Math.floor(k / (g.kw * g.kh * g.channels));
  return {
    x: channel * (g.kw * KERNEL_SCALE + KERNEL_GAP) + kw * KERNEL_SCALE,
    y: filter * (g.kh * KERNEL_SCALE + KERNEL_GAP) + kh * KERNEL_SCALE,
    filter,
    channel,
  };
}

/** The tile (filter, channel) under a point of the picture, or null in a gap. */
export function kernelAt(g: KernelGrid, x: number, y: number): { filter: number; channel: number } | null {
  const tw = g.kw * KERNEL_SCALE + KERNEL_GAP;
  const th = g.kh * KERNEL_SCALE + KERNEL_GAP;
  const channel = Math.floor(x / tw);
  const filter = Math.floor(y / th);
  if (x - channel * tw >= g.kw * KERNEL_SCALE || y - filter * th >= g.kh * KERNEL_SCALE) return null;
  return channel < g.channels && filter < g.filters && x >= 0 && y >= 0 ? { filter, channel } : null;
}
