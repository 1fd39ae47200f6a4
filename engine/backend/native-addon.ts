// The contract between the engine and the native addon (native/src/addon.cc): every export the
// addon provides, with the argument conventions both sides rely on. Types only; the loader is
// in native-loader.ts.
//
// Conventions shared by every kernel:
// - Buffers are opaque handles to memory the addon owns; each remembers its device.
// - Shapes, strides and offsets are counted in ELEMENTS of the kernel's dtype, never bytes.
//   Strides may be 0 (broadcast); they are never negative.
// - All buffers handed to one call must live on the same device (the addon re-checks).
// - Output buffers are allocated by the caller (alloc) and fully overwritten by the kernel.
// - The addon re-checks that every element a kernel would touch lies inside its buffer, and
//   throws an Error whose `code` is one of NativeErrorCode; it never reads or writes out of
//   bounds, whatever it is given.

import type { RecurrentEntryPoints } from './native-addon-recurrent.ts';

/** Opaque handle to storage owned by the addon (a napi External). */
export interface NativeBuffer {
  readonly __nativeBuffer: unique symbol;
}

/** dtype codes; the byte size of each is DTYPE_BYTES[code]. bool is stored as one byte (0/1). */
export const DTYPE_CODE = { float32: 0, float64: 1, int32: 2, int64: 3, uint8: 4, bool: 5 } as const;
export type DTypeCode = (typeof DTYPE_CODE)[keyof typeof DTYPE_CODE];
export const DTYPE_BYTES: Readonly<Record<DTypeCode, number>> = { 0: 4, 1: 8, 2: 4, 3: 8, 4: 1, 5: 1 };

/** Device type codes, as in MXNet's Context (cpu = 1, gpu = 2). */
export const DEVICE_TYPE = { cpu: 1, gpu: 2 } as const;
export type DeviceTypeCode = (typeof DEVICE_TYPE)[keyof typeof DEVICE_TYPE];

/**
 * Elementwise unary ops. Float-only ops (all but abs, neg, square, sign) reject integer dtypes.
 * From leakyRelu on they take a parameter, `alpha` of unary/unaryBackward: leakyRelu's negative
 * slope, elu's alpha, silu's beta (x · sigmoid(beta · x)); the others ignore it. hardSigmoid and
 * hardSwish are PyTorch's (relu6(x + 3) / 6, x · relu6(x + 3) / 6).
 */
export const UNARY_OP = {
  relu: 0,
  sigmoid: 1,
  tanh: 2,
  gelu: 3 /* erf form */,
  exp: 4,
  log: 5,
  abs: 6,
  neg: 7,
  sqrt: 8,
  square: 9,
  softrelu: 10 /* log(1 + exp(x)) */,
  sign: 11,
  leakyRelu: 12,
  elu: 13,
  selu: 14,
  silu: 15,
  hardSigmoid: 16,
  hardSwish: 17,
  geluTanh: 18,
} as const;
export type UnaryOpCode = (typeof UNARY_OP)[keyof typeof UNARY_OP];

/** Elementwise binary ops with broadcasting (by strides). Comparisons write bool (0/1) output. */
export const BINARY_OP = {
  add: 0,
  sub: 1,
  mul: 2,
  div: 3,
  pow: 4,
  maximum: 5,
  minimum: 6,
  eq: 7,
  ne: 8,
  lt: 9,
  le: 10,
  gt: 11,
  ge: 12,
} as const;
export type BinaryOpCode = (typeof BINARY_OP)[keyof typeof BINARY_OP];

/** Reductions. argmax / argmin take exactly one axis and write int64 indices (first occurrence). */
export const REDUCE_OP = { sum: 0, mean: 1, max: 2, min: 3, prod: 4, argmax: 5, argmin: 6 } as const;
export type ReduceOpCode = (typeof REDUCE_OP)[keyof typeof REDUCE_OP];

/** Error codes carried by the `code` property of errors the addon throws. */
export type NativeErrorCode =
  | 'E_NATIVE_ARGS' // malformed arguments: wrong count/type, rank mismatch, negative dims
  | 'E_OUT_OF_BOUNDS' // a shape/stride/offset would reach outside a buffer
  | 'E_DTYPE' // dtype not supported by this kernel
  | 'E_OUT_OF_MEMORY' // over the memory budget, or the allocator failed
  | 'E_DISPOSED' // a buffer used after dispose()
  | 'E_DEVICE_MISMATCH' // buffers on different devices in one call
  | 'E_NO_CUDA' // a gpu buffer asked of a build without CUDA, or no device
  | 'E_CUDA' // the CUDA runtime reported a failure (a kernel launch, an illegal address)
  | 'E_DNNL'; // oneDNN reported a failure

export interface NativeCapabilities {
  dnnl: boolean;
  dnnlVersion: string; // e.g. "2.6.3"
  cuda: boolean; // compiled with CUDA
  cudaReason: string; // why GPUs are unavailable ("" when numGpus() > 0)
  threads: number; // CPU threads the kernels may use (affinity, cgroup quota, BLOCKSMITH_THREADS / OMP_NUM_THREADS)
  threading?: NativeThreading; // how that was decided, and how many are free now (absent in older builds)
  winogradRuns?: number; // compiled convolution steps run as Winograd F(2×2, 3×3) so far (native/src/net_plan_winograd.cc; absent in older builds)
  gpus?: NativeGpuInfo[]; // one per usable GPU (empty without CUDA, driver or device; absent in older builds)
}

/** native/src/threading.h: the thread budget and the cores other processes take from it. */
export interface NativeThreading {
  budget: number; // = threads
  affinityCpus: number; // CPUs in the process's affinity mask
  quotaCores: number; // cgroup CPU quota in cores, 0 = none
  cap: number; // BLOCKSMITH_THREADS (or OMP_NUM_THREADS), 0 = none
  adaptive: boolean; // false with BLOCKSMITH_ADAPTIVE_THREADS=0: cores busy elsewhere still count
  available: number; // threads a parallel region gets now (budget less cores other processes keep busy)
  othersBusy: number; // cores other processes kept busy in the last 100 ms sample
  chunkJobs?: number; // steps run so far as chunks on the addon's own pool (absent in older builds)
}

export interface NativeGpuInfo {
  name: string; // e.g. "NVIDIA H100 80GB HBM3"
  computeCapability: string; // e.g. "9.0"
  multiProcessors: number;
  totalMemory: number; // bytes
}

export interface NativeMemoryStats {
  liveBytes: number; // bytes currently allocated, all devices
  liveBuffers: number;
  peakBytes: number;
  budgetBytes: number; // allocations that would push liveBytes past this fail
  allocations: number; // buffers allocated since the addon loaded (a counter: GC never lowers it)
  gpuAllocations: number; // of which on a GPU
}

export interface NativeBufferInfo {
  deviceType: DeviceTypeCode;
  deviceId: number;
  byteLength: number;
  disposed: boolean;
}

export interface NativeAddon extends RecurrentEntryPoints {
  // ---- build and devices
  capabilities(): NativeCapabilities;
  numGpus(): number;

  // ---- memory (sizes reported to V8 with AdjustExternalMemory; freed on GC or dispose)
  /** Zero-byte buffers are allowed (empty arrays). Contents are uninitialised. */
  alloc(deviceType: DeviceTypeCode, deviceId: number, byteLength: number): NativeBuffer;
  /** Frees now; idempotent. Any later use throws E_DISPOSED. */
  dispose(buf: NativeBuffer): void;
  bufferInfo(buf: NativeBuffer): NativeBufferInfo;
  memoryStats(): NativeMemoryStats;
  setMemoryBudget(bytes: number): void;

  // ---- transfers (byteOffset and lengths in bytes; the view's whole byte range is copied)
  write(buf: NativeBuffer, byteOffset: number, src: ArrayBufferView): void;
  read(buf: NativeBuffer, byteOffset: number, dst: ArrayBufferView): void;
  /** Copies byteLength bytes between buffers, possibly on different devices. */
  copyBytes(src: NativeBuffer, srcByteOffset: number, dst: NativeBuffer, dstByteOffset: number, byteLength: number): void;

  // ---- fills and casts (n = element count)
  /** value is converted to dtype (int64 exact up to 2^53; bool: value !== 0). */
  fill(dtype: DTypeCode, out: NativeBuffer, n: number, value: number): void;
  cast(srcDtype: DTypeCode, src: NativeBuffer, dstDtype: DTypeCode, dst: NativeBuffer, n: number): void;
  /**
   * Philox4x32-10 counter-based RNG: element i takes word (i % 4) of block (counter + floor(i / 4))
   * under key `seed` (0 <= seed < 2^53). Same (seed, counter, n) → same numbers on any thread
   * count and any device. Uses ceil(n / 4) blocks. Float dtypes only.
   */
  randomUniform(dtype: DTypeCode, out: NativeBuffer, n: number, low: number, high: number, seed: number, counter: number): void;
  /** Box–Muller over the same stream: block b yields 4 normals from its 4 words. */
  randomNormal(dtype: DTypeCode, out: NativeBuffer, n: number, mean: number, std: number, seed: number, counter: number): void;

  // ---- strided copies: transpose, slice, slice-assign, broadcast_to, concat and split
  copyStrided(
    dtype: DTypeCode,
    src: NativeBuffer,
    srcOffset: number,
    srcStrides: number[],
    dst: NativeBuffer,
    dstOffset: number,
    dstStrides: number[],
    shape: number[],
  ): void;
  fillStrided(dtype: DTypeCode, dst: NativeBuffer, dstOffset: number, dstStrides: number[], shape: number[], value: number): void;

  // ---- elementwise
  unary(op: UnaryOpCode, dtype: DTypeCode, x: NativeBuffer, out: NativeBuffer, n: number, alpha?: number): void;
  /** dx = dy * f'(x); y = f(x) is passed too, for ops whose derivative is cheaper from y. */
  unaryBackward(op: UnaryOpCode, dtype: DTypeCode, x: NativeBuffer, y: NativeBuffer, dy: NativeBuffer, dx: NativeBuffer, n: number, alpha?: number): void;
  /**
   * out[idx] = a[idx · aStrides] op b[idx · bStrides] for every idx in outShape (contiguous out).
   * a and b share `dtype`; out has `dtype`, or bool for comparisons.
   */
  binary(
    op: BinaryOpCode,
    dtype: DTypeCode,
    a: NativeBuffer,
    aStrides: number[],
    b: NativeBuffer,
    bStrides: number[],
    out: NativeBuffer,
    outShape: number[],
  ): void;
  /**
   * binary() without shapes or strides: out[i] = a[i · aStep] op b[i · bStep] for i < n, each step 0
   * (an operand of one element, broadcast) or 1 (contiguous). Reads no JS arrays, so it is the
   * engine's path for equal shapes and for size-1 operands.
   */
  binaryFlat(op: BinaryOpCode, dtype: DTypeCode, a: NativeBuffer, aStep: number, b: NativeBuffer, bStep: number, out: NativeBuffer, n: number): void;
  /** out[i] = x[i] op s, or s op x[i] when scalarFirst; n elements, contiguous. */
  binaryScalar(op: BinaryOpCode, dtype: DTypeCode, x: NativeBuffer, scalar: number, scalarFirst: boolean, out: NativeBuffer, n: number): void;

  // ---- reductions and softmax
  /**
   * Reduces contiguous x of xShape over `axes` (sorted, unique). out is contiguous over the kept
   * axes in order; its dtype is dtype (int64 for argmax/argmin). Empty axes list = copy.
   * Reducing an empty extent: sum → 0, prod → 1, mean → NaN, max/min/argmax/argmin → E_NATIVE_ARGS.
   */
  reduce(op: ReduceOpCode, dtype: DTypeCode, x: NativeBuffer, xShape: number[], axes: number[], out: NativeBuffer): void;
  /** x viewed as [outer, axisLen, inner]; softmax (or log-softmax) along the middle axis. Float only. */
  softmax(dtype: DTypeCode, x: NativeBuffer, out: NativeBuffer, outer: number, axisLen: number, inner: number, log: boolean): void;
  /** Given y = softmax(x) (or log-softmax) and dy, writes dx. */
  softmaxBackward(dtype: DTypeCode, y: NativeBuffer, dy: NativeBuffer, dx: NativeBuffer, outer: number, axisLen: number, inner: number, log: boolean): void;

  // ---- dense linear algebra
  /**
   * Batched GEMM: out[p] = op(A[p]) · op(B[p]) with out[p] of shape [m, n], contiguous, p < batch.
   * A[p] starts at p * aBatchStride and is stored [m, k] row-major ([k, m] when transA);
   * B[p] starts at p * bBatchStride, stored [k, n] ([n, k] when transB). A batch stride of 0
   * broadcasts that operand. float32 runs on oneDNN matmul; other dtypes on a plain kernel.
   */
  matmul(
    dtype: DTypeCode,
    a: NativeBuffer,
    b: NativeBuffer,
    out: NativeBuffer,
    batch: number,
    m: number,
    n: number,
    k: number,
    transA: boolean,
    transB: boolean,
    aBatchStride: number,
    bBatchStride: number,
  ): void;
  /** Same as matmul, on a worker thread; resolves when done. Buffers stay alive until then. */
  matmulAsync(
    dtype: DTypeCode,
    a: NativeBuffer,
    b: NativeBuffer,
    out: NativeBuffer,
    batch: number,
    m: number,
    n: number,
    k: number,
    transA: boolean,
    transB: boolean,
    aBatchStride: number,
    bBatchStride: number,
  ): Promise<void>;
  /**
   * Gluon's FullyConnected: out[rows, outUnits] = act(x[rows, inUnits] · w[outUnits, inUnits]^T + bias).
   * bias may be null; activation is a UnaryOpCode or -1 for none. float32 runs on oneDNN
   * inner_product with a fused eltwise post-op.
   */
  linear(
    dtype: DTypeCode,
    x: NativeBuffer,
    w: NativeBuffer,
    bias: NativeBuffer | null,
    out: NativeBuffer,
    rows: number,
    inUnits: number,
    outUnits: number,
    activation: number,
  ): void;
  linearAsync(
    dtype: DTypeCode,
    x: NativeBuffer,
    w: NativeBuffer,
    bias: NativeBuffer | null,
    out: NativeBuffer,
    rows: number,
    inUnits: number,
    outUnits: number,
    activation: number,
  ): Promise<void>;
  /**
   * The gradients of y = act(x · wᵀ + bias) given dy and y itself: dx = g · w, dw = gᵀ · x,
   * db = Σ_rows g with g = dy · act'(y). activation must be -1 or one whose derivative follows from
   * y (relu, sigmoid, tanh). Any of dx [rows, inUnits], dw [outUnits, inUnits], db [outUnits] may be
   * null (not computed). Runs the same matmul / unaryBackward / reduce kernels as the unfused ops,
   * on any device; no output may alias an input.
   */
  linearBackward(
    dtype: DTypeCode,
    x: NativeBuffer,
    w: NativeBuffer,
    y: NativeBuffer,
    dy: NativeBuffer,
    activation: number,
    dx: NativeBuffer | null,
    dw: NativeBuffer | null,
    db: NativeBuffer | null,
    rows: number,
    inUnits: number,
    outUnits: number,
  ): void;
  /**
   * One fused optimizer update of n elements in place (w and the state buffers), any device, float
   * dtypes. kind: OPTIMIZER_KIND. SGD: s0 = momentum or null, s1 null; Adam/AdamW: s0 = mean,
   * s1 = var. hyper = [lr, wd, rescale, clip (-1 = none), momentum, beta1, beta2, epsilon,
   * c1, c2, rescaleFirst (0/1)], the formulas of engine/train/optimizers (see native/src/ops/optimizer.h).
   */
  optimizerUpdate(
    kind: OptimizerKindCode,
    dtype: DTypeCode,
    w: NativeBuffer,
    g: NativeBuffer,
    s0: NativeBuffer | null,
    s1: NativeBuffer | null,
    n: number,
    hyper: readonly number[],
  ): void;
  /**
   * Prepares a chain of linears for the CPU (a hybridized Dense stack): layer i computes
   * act_i(h · w_iᵀ + b_i) from units[i] to units[i + 1] features over `rows` rows. The plan owns
   * its hidden activations and keeps the weight buffers alive; it is freed by the GC.
   */
  linearPlan(
    dtype: DTypeCode,
    rows: number,
    weights: readonly NativeBuffer[],
    biases: readonly (NativeBuffer | null)[],
    units: readonly number[],
    activations: readonly number[],
  ): NativeLinearPlan;
  /** Runs a plan: x [rows, units[0]] → out [rows, units[last]] (cpu buffers; out is overwritten). */
  linearPlanRun(plan: NativeLinearPlan, x: NativeBuffer, out: NativeBuffer): void;
  /**
   * Prepares a compiled float32 forward over a graph of ops on the CPU (native/src/net_plan.h):
   * the graph as PlanGraphArgs says (inputs in plain layout; the meaning of ps and bufs per kind:
   * native/src/net_plan_steps.cc); `outputs` are the values netPlanRun writes. Freed by the GC.
   */
  netPlan(...graph: PlanGraphArgs): NativeNetPlan;
  /** Runs a net plan: every input and output a float32 cpu buffer of its value's size (outputs overwritten). */
  netPlanRun(plan: NativeNetPlan, inputs: readonly NativeBuffer[], outputs: readonly NativeBuffer[]): void;
  /** What a net plan holds: how often it ran, the bytes it owns (activations, packed weights), its actions and threads. */
  netPlanStats(plan: NativeNetPlan): { runs: number; bytes: number; actions: number; threads: number };
  /**
   * A compiled float32 forward on gpu(device) (native/src/gpu_plan.h): netPlan's arguments, with
   * parameter buffers on that GPU (read in place, or folded into buffers of its own where a batch
   * norm is); the kinds are linear, conv, pool, batchNorm, layerNorm, softmax, act, reshape and
   * add (p[1] = 1: multiply) only. Intermediate buffers are allocated once, here. E_NO_CUDA without CUDA,
   * E_NATIVE_ARGS for another kind. Freed by the GC.
   */
  gpuPlan(device: number, ...graph: PlanGraphArgs): NativeGpuPlan;
  /** Queues a GPU plan's forward on the device's stream (no wait): float32 buffers on its GPU (outputs overwritten). */
  gpuPlanRun(plan: NativeGpuPlan, inputs: readonly NativeBuffer[], outputs: readonly NativeBuffer[]): void;
  /** What a GPU plan holds: runs, device bytes and buffers it allocated (all at build), kernels launched per run. */
  gpuPlanStats(plan: NativeGpuPlan): { runs: number; bytes: number; buffers: number; kernels: number };

  // ---- convolution and pooling over NCHW (1-d ops pass H = 1), float dtypes
  /**
   * y[n, o, oh, ow] = act(Σ x · w + bias) with w of shape [o, c / groups, kh, kw] (PyTorch's layout).
   * geom = CONV_GEOM's 16 fields; the addon re-derives oh/ow from them (floor rule) and refuses a
   * geometry that disagrees. bias may be null; activation a UnaryOpCode or -1. float32 runs on
   * oneDNN convolution_forward (relu/sigmoid/tanh/gelu fused as a post-op).
   */
  convolution(
    dtype: DTypeCode,
    x: NativeBuffer,
    w: NativeBuffer,
    bias: NativeBuffer | null,
    y: NativeBuffer,
    geom: readonly number[],
    activation: number,
  ): void;
  /** dx [n, c, h, w] = the gradient of convolution (without activation) to x, given dy [n, o, oh, ow]. */
  convolutionBackwardData(dtype: DTypeCode, w: NativeBuffer, dy: NativeBuffer, dx: NativeBuffer, geom: readonly number[]): void;
  /** dw [o, c / groups, kh, kw] and db [o] given x and dy; either may be null (not computed). */
  convolutionBackwardWeights(
    dtype: DTypeCode,
    x: NativeBuffer,
    dy: NativeBuffer,
    dw: NativeBuffer | null,
    db: NativeBuffer | null,
    geom: readonly number[],
  ): void;
  /**
   * Max or average pooling (mode: POOL_MODE) of x [n, c, h, w] into y [n, c, oh, ow]; geom =
   * POOL_GEOM's 12 fields. oh/ow must be the floor-mode extent or, in ceil mode, one more.
   */
  pooling(mode: PoolModeCode, dtype: DTypeCode, x: NativeBuffer, y: NativeBuffer, geom: readonly number[]): void;
  /** dx [n, c, h, w] given x and dy [n, c, oh, ow] (max: to each window's first maximum). */
  poolingBackward(mode: PoolModeCode, dtype: DTypeCode, x: NativeBuffer, dy: NativeBuffer, dx: NativeBuffer, geom: readonly number[]): void;

  // ---- normalization and padding (float dtypes; all buffers of one dtype)
  /**
   * Batch normalization of x viewed as [n, c, s] over axes 0 and 2, per channel: y = (x − mean) /
   * sqrt(var + eps) · gamma + beta (gamma / beta null: 1 / 0). training: batch mean and biased
   * variance go to saveMean / saveVar [c], and runningMean / runningVar are updated in place,
   * running = momentum · running + (1 − momentum) · batch, the variance folded in unbiased
   * (PyTorch's rule; needs n · s > 1). Otherwise the running statistics normalize and
   * saveMean / saveVar may be null.
   */
  batchNorm(
    dtype: DTypeCode,
    x: NativeBuffer,
    gamma: NativeBuffer | null,
    beta: NativeBuffer | null,
    runningMean: NativeBuffer,
    runningVar: NativeBuffer,
    y: NativeBuffer,
    saveMean: NativeBuffer | null,
    saveVar: NativeBuffer | null,
    n: number,
    c: number,
    s: number,
    eps: number,
    momentum: number,
    training: boolean,
  ): void;
  /**
   * Gradients of batchNorm given the statistics it normalized with (saveMean / saveVar, or the
   * running ones with globalStats, where they are constants). dx, dgamma, dbeta may be null.
   */
  batchNormBackward(
    dtype: DTypeCode,
    x: NativeBuffer,
    dy: NativeBuffer,
    gamma: NativeBuffer | null,
    mean: NativeBuffer,
    variance: NativeBuffer,
    dx: NativeBuffer | null,
    dgamma: NativeBuffer | null,
    dbeta: NativeBuffer | null,
    n: number,
    c: number,
    s: number,
    eps: number,
    globalStats: boolean,
  ): void;
  /** Layer normalization of each row of x [outer, inner]; gamma / beta [inner] or null; mean and biased var [outer]. */
  layerNorm(
    dtype: DTypeCode,
    x: NativeBuffer,
    gamma: NativeBuffer | null,
    beta: NativeBuffer | null,
    y: NativeBuffer,
    saveMean: NativeBuffer,
    saveVar: NativeBuffer,
    outer: number,
    inner: number,
    eps: number,
  ): void;
  layerNormBackward(
    dtype: DTypeCode,
    x: NativeBuffer,
    dy: NativeBuffer,
    gamma: NativeBuffer | null,
    mean: NativeBuffer,
    variance: NativeBuffer,
    dx: NativeBuffer | null,
    dgamma: NativeBuffer | null,
    dbeta: NativeBuffer | null,
    outer: number,
    inner: number,
    eps: number,
  ): void;
  /**
   * Pads the last k = inShape.length (1..3) axes of x [outer, ...inShape] by before[i] / after[i]
   * (PAD_MODE; reflect needs pads smaller than the axis). Any dtype forward; value for constant.
   */
  pad(
    dtype: DTypeCode,
    x: NativeBuffer,
    out: NativeBuffer,
    outer: number,
    inShape: number[],
    before: number[],
    after: number[],
    mode: PadModeCode,
    value: number,
  ): void;
  /** dx [outer, ...inShape] from dy [outer, ...padded]: each input sums the gradients of the outputs that read it. */
  padBackward(
    dtype: DTypeCode,
    dy: NativeBuffer,
    dx: NativeBuffer,
    outer: number,
    inShape: number[],
    before: number[],
    after: number[],
    mode: PadModeCode,
  ): void;
  /** out [n, dim] = table [rows, dim] rows picked by index [n] (int32 / int64 codes; checked in range on the CPU). */
  take(dtype: DTypeCode, indexDtype: DTypeCode, table: NativeBuffer, index: NativeBuffer, out: NativeBuffer, n: number, rows: number, dim: number): void;
  /** dtable [rows, dim] += dy [n, dim] scattered by index [n] (repeated indices add up). */
  takeBackward(
    dtype: DTypeCode,
    indexDtype: DTypeCode,
    dy: NativeBuffer,
    index: NativeBuffer,
    dtable: NativeBuffer,
    n: number,
    rows: number,
    dim: number,
  ): void;
}

/** Field order of convolution's `geom` (native/src/ops/conv.h ConvGeom); dilation 1 is dense. */
export const CONV_GEOM = ['n', 'c', 'h', 'w', 'o', 'kh', 'kw', 'oh', 'ow', 'sh', 'sw', 'ph', 'pw', 'dh', 'dw', 'groups'] as const;
/** Field order of pooling's `geom` (native/src/ops/pool.h PoolGeom); ph/pw pad the top/left (and bottom/right). */
export const POOL_GEOM = ['n', 'c', 'h', 'w', 'oh', 'ow', 'kh', 'kw', 'sh', 'sw', 'ph', 'pw'] as const;
/** Pooling modes: average pooling either counts the zero padding in its divisor or not. */
export const POOL_MODE = { max: 0, avgIncludePad: 1, avgExcludePad: 2 } as const;
export type PoolModeCode = (typeof POOL_MODE)[keyof typeof POOL_MODE];

export const PAD_MODE = { constant: 0, reflect: 1, replicate: 2 } as const;
export type PadModeCode = (typeof PAD_MODE)[keyof typeof PAD_MODE];

/** Op kinds of a net plan (native/src/net_plan.h NetOpKind). */
export const NET_OP = {
  conv: 0,
  pool: 1,
  batchNorm: 2,
  add: 3,
  act: 4,
  reshape: 5,
  linear: 6,
  layerNorm: 7,
  embed: 8,
  tableAdd: 9,
  attention: 10,
  transpose: 11,
  axisReduce: 12,
  slice: 13,
  concat: 14,
  softmax: 15,
  groupNorm: 16,
  pointwise: 17,
  pad: 18,
  deconv: 19,
  rnn: 20,
  rnnState: 21,
} as const;

/**
 * The graph netPlan and gpuPlan compile: inputs are values 0 .. inputDims.length - 1, op j
 * (kinds[j]: NET_OP) reads the values ins[j] and produces value inputs + j, with the numbers ps[j]
 * and the parameter buffers bufs[j]; `outputs` lists the values a run writes.
 */
export type PlanGraphArgs = readonly [
  inputDims: readonly (readonly number[])[],
  kinds: readonly number[],
  ins: readonly (readonly number[])[],
  ps: readonly (readonly number[])[],
  bufs: readonly (readonly (NativeBuffer | null)[])[],
  outputs: readonly number[],
];

/** Opaque handle to a compiled graph forward (netPlan). */
export interface NativeNetPlan {
  readonly __nativeNetPlan: unique symbol;
}

/** Opaque handle to a compiled graph forward on a GPU (gpuPlan). */
export interface NativeGpuPlan {
  readonly __nativeGpuPlan: unique symbol;
}

/** Opaque handle to a prepared linear chain (linearPlan). */
export interface NativeLinearPlan {
  readonly __nativeLinearPlan: unique symbol;
}

export const OPTIMIZER_KIND = { sgd: 0, adam: 1, adamw: 2 } as const;
export type OptimizerKindCode = (typeof OPTIMIZER_KIND)[keyof typeof OPTIMIZER_KIND];
