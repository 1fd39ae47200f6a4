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

/** Elementwise unary ops. Float-only ops (all but abs, neg, square, sign) reject integer dtypes. */
export const UNARY_OP = {
  relu: 0, sigmoid: 1, tanh: 2, gelu: 3 /* erf form */, exp: 4, log: 5, abs: 6, neg: 7, sqrt: 8,
  square: 9, softrelu: 10 /* log(1 + exp(x)) */, sign: 11,
} as const;
export type UnaryOpCode = (typeof UNARY_OP)[keyof typeof UNARY_OP];

/** Elementwise binary ops with broadcasting (by strides). Comparisons write bool (0/1) output. */
export const BINARY_OP = {
  add: 0, sub: 1, mul: 2, div: 3, pow: 4, maximum: 5, minimum: 6,
  eq: 7, ne: 8, lt: 9, le: 10, gt: 11, ge: 12,
} as const;
export type BinaryOpCode = (typeof BINARY_OP)[keyof typeof BINARY_OP];

/** Reductions. argmax / argmin take exactly one axis and write int64 indices (first occurrence). */
export const REDUCE_OP = { sum: 0, mean: 1, max: 2, min: 3, prod: 4, argmax: 5, argmin: 6 } as const;
export type ReduceOpCode = (typeof REDUCE_OP)[keyof typeof REDUCE_OP];

/** Error codes carried by the `code` property of errors the addon throws. */
export type NativeErrorCode =
  | 'E_NATIVE_ARGS'      // malformed arguments: wrong count/type, rank mismatch, negative dims
  | 'E_OUT_OF_BOUNDS'    // a shape/stride/offset would reach outside a buffer
  | 'E_DTYPE'            // dtype not supported by this kernel
  | 'E_OUT_OF_MEMORY'    // over the memory budget, or the allocator failed
  | 'E_DISPOSED'         // a buffer used after dispose()
  | 'E_DEVICE_MISMATCH'  // buffers on different devices in one call
  | 'E_NO_CUDA'          // a gpu buffer asked of a build without CUDA, or no device
  | 'E_CUDA'             // the CUDA runtime reported a failure (a kernel launch, an illegal address)
  | 'E_DNNL';            // oneDNN reported a failure

export interface NativeCapabilities {
  dnnl: boolean;
  dnnlVersion: string;        // e.g. "2.6.3"
  cuda: boolean;              // compiled with CUDA
  cudaReason: string;         // why GPUs are unavailable ("" when numGpus() > 0)
  threads: number;            // CPU threads the kernels may use (affinity, cgroup quota, BLOCKSMITH_THREADS / OMP_NUM_THREADS)
  threading?: NativeThreading; // how that was decided, and how many are free now (absent in older builds)
  gpus?: NativeGpuInfo[];     // one per usable GPU (empty without CUDA, driver or device; absent in older builds)
}

/** native/src/threading.h: the thread budget and the cores other processes take from it. */
export interface NativeThreading {
  budget: number;             // = threads
  affinityCpus: number;       // CPUs in the process's affinity mask
  quotaCores: number;         // cgroup CPU quota in cores, 0 = none
  cap: number;                // BLOCKSMITH_THREADS (or OMP_NUM_THREADS), 0 = none
  adaptive: boolean;          // false with BLOCKSMITH_ADAPTIVE_THREADS=0: cores busy elsewhere still count
  available: number;          // threads a parallel region gets now (budget less cores other processes keep busy)
  othersBusy: number;         // cores other processes kept busy in the last 100 ms sample
}

export interface NativeGpuInfo {
  name: string;               // e.g. "NVIDIA H100 80GB HBM3"
  computeCapability: string;  // e.g. "9.0"
  multiProcessors: number;
  totalMemory: number;        // bytes
}

export interface NativeMemoryStats {
  liveBytes: number;          // bytes currently allocated, all devices
  liveBuffers: number;
  peakBytes: number;
  budgetBytes: number;        // allocations that would push liveBytes past this fail
}

export interface NativeBufferInfo {
  deviceType: DeviceTypeCode;
  deviceId: number;
  byteLength: number;
  disposed: boolean;
}

export interface NativeAddon {
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
  copyStrided(dtype: DTypeCode,
    src: NativeBuffer, srcOffset: number, srcStrides: number[],
    dst: NativeBuffer, dstOffset: number, dstStrides: number[], shape: number[]): void;
  fillStrided(dtype: DTypeCode, dst: NativeBuffer, dstOffset: number, dstStrides: number[], shape: number[], value: number): void;

  // ---- elementwise
  unary(op: UnaryOpCode, dtype: DTypeCode, x: NativeBuffer, out: NativeBuffer, n: number): void;
  /** dx = dy * f'(x); y = f(x) is passed too, for ops whose derivative is cheaper from y. */
  unaryBackward(op: UnaryOpCode, dtype: DTypeCode, x: NativeBuffer, y: NativeBuffer, dy: NativeBuffer, dx: NativeBuffer, n: number): void;
  /**
   * out[idx] = a[idx · aStrides] op b[idx · bStrides] for every idx in outShape (contiguous out).
   * a and b share `dtype`; out has `dtype`, or bool for comparisons.
   */
  binary(op: BinaryOpCode, dtype: DTypeCode,
    a: NativeBuffer, aStrides: number[], b: NativeBuffer, bStrides: number[],
    out: NativeBuffer, outShape: number[]): void;
  /**
   * binary() without shapes or strides: out[i] = a[i · aStep] op b[i · bStep] for i < n, each step 0
   * (an operand of one element, broadcast) or 1 (contiguous). Reads no JS arrays, so it is the
   * engine's path for equal shapes and for size-1 operands.
   */
  binaryFlat(op: BinaryOpCode, dtype: DTypeCode, a: NativeBuffer, aStep: number, b: NativeBuffer, bStep: number,
    out: NativeBuffer, n: number): void;
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
  matmul(dtype: DTypeCode, a: NativeBuffer, b: NativeBuffer, out: NativeBuffer,
    batch: number, m: number, n: number, k: number, transA: boolean, transB: boolean,
    aBatchStride: number, bBatchStride: number): void;
  /** Same as matmul, on a worker thread; resolves when done. Buffers stay alive until then. */
  matmulAsync(dtype: DTypeCode, a: NativeBuffer, b: NativeBuffer, out: NativeBuffer,
    batch: number, m: number, n: number, k: number, transA: boolean, transB: boolean,
    aBatchStride: number, bBatchStride: number): Promise<void>;
  /**
   * Gluon's FullyConnected: out[rows, outUnits] = act(x[rows, inUnits] · w[outUnits, inUnits]^T + bias).
   * bias may be null; activation is a UnaryOpCode or -1 for none. float32 runs on oneDNN
   * inner_product with a fused eltwise post-op.
   */
  linear(dtype: DTypeCode, x: NativeBuffer, w: NativeBuffer, bias: NativeBuffer | null, out: NativeBuffer,
    rows: number, inUnits: number, outUnits: number, activation: number): void;
  linearAsync(dtype: DTypeCode, x: NativeBuffer, w: NativeBuffer, bias: NativeBuffer | null, out: NativeBuffer,
    rows: number, inUnits: number, outUnits: number, activation: number): Promise<void>;
  /**
   * The gradients of y = act(x · wᵀ + bias) given dy and y itself: dx = g · w, dw = gᵀ · x,
   * db = Σ_rows g with g = dy · act'(y). activation must be -1 or one whose derivative follows from
   * y (relu, sigmoid, tanh). Any of dx [rows, inUnits], dw [outUnits, inUnits], db [outUnits] may be
   * null (not computed). Runs the same matmul / unaryBackward / reduce kernels as the unfused ops,
   * on any device; no output may alias an input.
   */
  linearBackward(dtype: DTypeCode, x: NativeBuffer, w: NativeBuffer, y: NativeBuffer, dy: NativeBuffer, activation: number,
    dx: NativeBuffer | null, dw: NativeBuffer | null, db: NativeBuffer | null, rows: number, inUnits: number, outUnits: number): void;
  /**
   * One fused optimizer update of n elements in place (w and the state buffers), any device, float
   * dtypes. kind: OPTIMIZER_KIND. SGD: s0 = momentum or null, s1 null; Adam/AdamW: s0 = mean,
   * s1 = var. hyper = [lr, wd, rescale, clip (-1 = none), momentum, beta1, beta2, epsilon,
   * c1, c2, rescaleFirst (0/1)], the formulas of engine/train/optimizers (see native/src/ops/optimizer.h).
   */
  optimizerUpdate(kind: OptimizerKindCode, dtype: DTypeCode, w: NativeBuffer, g: NativeBuffer, s0: NativeBuffer | null,
    s1: NativeBuffer | null, n: number, hyper: readonly number[]): void;
  /**
   * Prepares a chain of linears for the CPU (a hybridized Dense stack): layer i computes
   * act_i(h · w_iᵀ + b_i) from units[i] to units[i + 1] features over `rows` rows. The plan owns
   * its hidden activations and keeps the weight buffers alive; it is freed by the GC.
   */
  linearPlan(dtype: DTypeCode, rows: number, weights: readonly NativeBuffer[], biases: readonly (NativeBuffer | null)[],
    units: readonly number[], activations: readonly number[]): NativeLinearPlan;
  /** Runs a plan: x [rows, units[0]] → out [rows, units[last]] (cpu buffers; out is overwritten). */
  linearPlanRun(plan: NativeLinearPlan, x: NativeBuffer, out: NativeBuffer): void;
}

/** Opaque handle to a prepared linear chain (linearPlan). */
export interface NativeLinearPlan {
  readonly __nativeLinearPlan: unique symbol;
}

export const OPTIMIZER_KIND = { sgd: 0, adam: 1, adamw: 2 } as const;
export type OptimizerKindCode = (typeof OPTIMIZER_KIND)[keyof typeof OPTIMIZER_KIND];
