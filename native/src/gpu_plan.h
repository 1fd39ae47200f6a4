// A compiled float32 forward on one GPU (what hybridize() builds for a CUDA input): every op kind of
// the CPU net plan — Dense (its GEMM, then bias and activation in one
// elementwise pass), convolution (a batch norm in prediction mode folded into its weights, bias,
// residual sum and activation in its epilogue), transposed convolution, pooling, batch norm (a
// per-channel scale and shift), layer, RMS and group norm, softmax, embedding, position tables,
// attention, transpose / slice / concat / axis reduction / pad, Clip / PReLU, activations, Flatten /
// Reshape, the Add / Multiply merges, and RNN / LSTM / GRU layers (per time step one GEMM and one
// fused gate kernel) — run back to back on the device's one stream with no
// host synchronisation (the read of an output waits, as for every GPU op). Built once per input
// signature:
//
// - every intermediate buffer is allocated here, once (allocateStorage: counted in memoryStats),
//   from a pool: a buffer goes back to the pool once the last step reading its value is built, so
//   values whose lifetimes do not overlap share memory (as the CPU net plan does, net_plan.h);
// - weights and biases are read in place from the parameters' buffers (kept alive, never copied),
//   except where a batch norm is folded: a kernel queued at build time writes the folded weights,
//   bias (convolution) or scale and shift (batch norm) into buffers the plan owns;
// - consecutive elementwise steps (a Dense's bias and activation, batch norms, Activation blocks,
//   Clip, PReLU, position tables, adds and products with one operand just computed) become ONE kernel (GpuEwStep): the value in
//   between lives in a register, never in memory; a (transposed) convolution or pooling kernel runs them as its
//   epilogue on the value it computed; a reshape is a new name for the same buffer;
// - an output is written straight into the caller's buffer where its producer can, else copied.
//
// The steps are built here (gpu_plan*.cc, plain C++ compiled in every build); the kernels are in
// cuda/gpu_plan.cu and cuda/gpu_plan_seq.cu (or eager mode's), and cuda_stub.cc makes every launch
// fail with E_NO_CUDA in builds without CUDA.
// Value ids as in plan_ops.h. Not thread-safe.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "ops/conv.h"
#include "ops/layer_norm.h"
#include "ops/matmul.h"
#include "ops/pad.h"
#include "ops/pool.h"
#include "ops/softmax.h"
#include "plan_ops.h"

namespace bs {

// One instruction of a fused elementwise kernel, applied to the running value v of element i;
// c = (i / inner) % cols is its channel (a Dense's bias: inner 1, cols = units).
enum GpuEwOp : int {
  kEwBias = 0,  // v += other[c]
  kEwAct,       // v = unary act(v, alpha), the formula of unary_cuda.cu
  kEwAdd,       // v = v + other[i]
  kEwMul,       // v = v * other[i]
  kEwScale,     // v = v * other[c] + shift[c]: a batch norm in prediction mode, folded (null other: 1, null shift: 0)
  kEwClip,      // v = min(max(v, alpha), beta)
  kEwPrelu,     // v = v < 0 ? other[c] * v : v
};
constexpr int kGpuEwMax = 8;  // instructions per kernel; a longer run of steps starts a new kernel

struct GpuEwInstr {
  int op = 0;
  int act = 0;
  float alpha = 0;
  float beta = 0;
  const float* other = nullptr;
  const float* shift = nullptr;
  int64_t cols = 1;
  int64_t inner = 1;
};

// Where a fused kernel's value v of element i comes from, before its instructions run.
enum GpuEwSource : int {
  kSrcLoad = 0,  // v = src[i]
  kSrcConv,      // v = convForwardAt(conv, src, w, bias, i) (ops/conv.h, as conv_cuda.cu)
  kSrcPool,      // v = poolForwardAt(pool, mode, src, i) (ops/pool.h, as pool_cuda.cu)
  kSrcDeconv,    // v = convBackwardDataAt(conv, w, src, i): a transposed convolution (as engine/ops/conv.ts on conv_cuda.cu)
};

// dst[i] = instrs(source(i)) for i < n. dst may be src for kSrcLoad (each element reads only its
// own index), never for a convolution or pooling, which read a window of src.
struct GpuEwStep {
  int source = kSrcLoad;
  const float* src = nullptr;
  float* dst = nullptr;
  int64_t n = 0;
  int count = 0;
  GpuEwInstr ins[kGpuEwMax];
  ConvGeom conv{};
  const float* w = nullptr;     // kSrcConv: [o, c / groups, kh, kw]
  const float* bias = nullptr;  // kSrcConv: [o] or null
  PoolGeom pool{};
  int mode = 0;  // kSrcPool: PoolMode
};

// A batch norm in prediction mode folded once, at build time, with the CPU net plan's formula
// (net_plan_conv.cc), s = gamma / √(var + eps) in double: a convolution's w' = w · s and
// b' = (b − mean) · s + beta (perOut > 0: its weights per output channel), or a batch norm's
// scale s and shift beta − mean · s (perOut 0). gamma, beta, b null: 1, 0, 0.
struct GpuFold {
  int64_t channels = 0, perOut = 0;
  const float* w = nullptr;
  const float* bias = nullptr;
  const float *gamma = nullptr, *beta = nullptr, *mean = nullptr, *var = nullptr;
  double eps = 0;
  float* wOut = nullptr;  // w' (convolution) or scale (batch norm)
  float* bOut = nullptr;  // b' or shift
};

// A step of cuda/gpu_plan_seq.cu (GpuPlan::Step kind 5): the sequence models' kernels.
enum GpuSeqOp : int {
  kSeqGather = 0,  // y[r, :] = w[id(r), :] for n / width rows: an embedding (ids int32 when ints, else float truncated;
                   // an id outside [0, vocab) gives a row of zeros, as take_cuda.cu)
  kSeqScores,      // y[b, h, r, s] = (q_r · k_s) · scale (+ −1e9 above the causal diagonal, + −1e9 where mask[b, s] ≠ 0)
  kSeqMix,         // y[b, r, h, c] = Σ_s x[b, h, r, s] · v[b, s, h, c]: the weights times the values, heads joined
  kSeqRms,         // y = x / √(mean(x²) + eps) · w over rows of `inner` (sums in double; w null: 1)
  kSeqMean,        // y[o, i] = mean over k < steps of x[o, k, i]
  kSeqCopy,        // y[dstOff + Σ idx·dstStride] = x[srcOff + Σ idx·srcStride] over dims: transpose, slice, concat, last
};
constexpr int kGpuSeqRank = 6;

// A (batch, head) matrix inside a buffer: element (b, h, r, c) at off + b·batchStride + r·rowStride + h·width + c.
struct GpuHeads {
  int64_t off = 0, batchStride = 0, rowStride = 0;
};

struct GpuSeqStep {
  int op = kSeqGather;
  const float* x = nullptr;     // the input (gather: the ids; scores: q; mix: the weights)
  const float* k = nullptr;     // scores: the keys; mix: the values
  const float* mask = nullptr;  // scores: a key-padding mask (batch, keys), or null
  const float* w = nullptr;     // gather: the table; rms: gamma or null
  float* y = nullptr;
  int64_t n = 0;                // output elements (one thread each; rms, mean: rows)
  int64_t batch = 1, heads = 1, rows = 0, keys = 0, width = 0;  // attention: width d (scores) or dv (mix)
  GpuHeads qh{}, kh{};          // scores: q, k; mix: kh is v
  bool causal = false, ints = false;
  float scale = 1;
  int64_t vocab = 0, inner = 1, steps = 1;
  double eps = 0;
  int rank = 0;                 // copy
  int64_t dims[kGpuSeqRank]{}, srcStrides[kGpuSeqRank]{}, dstStrides[kGpuSeqRank]{};
  int64_t srcOff = 0, dstOff = 0;
};

// One time step of one direction of a recurrent layer (cuda/gpu_plan_rnn.cu, built by
// gpu_plan_rnn.cc): one thread per (batch b, unit j) of N × H computes the cell of eager mode's
// composed path (engine/nn/layers/recurrent-run.ts) from a = xi (the input projection with b_ih)
// and c = gh + b_hh per gate (gh null: the zero state's product, c = b_hh), writing h_t (and c_t)
// and the output sequence's entry. hp / cp null: a zero previous state. h may be hp (and c cp):
// each thread reads its own index before writing it.
struct GpuRnnStep {
  int mode = 0;  // ops/rnn.h RnnMode
  int64_t n = 0, hidden = 0;
  const float* xi = nullptr;  // gate g of (b, j) at xi[b · xiStride + g · H + j]
  int64_t xiStride = 0;
  const float* gh = nullptr;  // (N, G·H)
  const float* bhh = nullptr; // (G·H) or null
  const float* hp = nullptr;  // (N, H)
  const float* cp = nullptr;  // LSTM
  float* h = nullptr;
  float* c = nullptr;         // LSTM
  float* y = nullptr;         // h_t also at y[b · yStride + j]
  int64_t yStride = 0;
  const void* base = nullptr;  // the start of h's buffer: the device the launch finds (an offset pointer has none)
  // Offsets in floats added to the run's pointers (slots hold whole buffers).
  int64_t xiOff = 0, hpOff = 0, cpOff = 0, hOff = 0, cOff = 0, yOff = 0;
};

// The launches (cuda/gpu_plan.cu; cuda_stub.cc throws E_NO_CUDA), each queued on the stream of the
// device `dst` lives on, none waiting for the GPU.
void gpuPlanGemm(const MatmulParams& p);
void gpuPlanElementwise(const GpuEwStep& s);
void gpuPlanCopy(void* dst, const void* src, size_t bytes);
void gpuPlanFold(const GpuFold& f);
void gpuPlanLayerNorm(const LayerNormParams& p);  // layer_norm_cuda.cu's kernel
void gpuPlanSoftmax(const SoftmaxParams& p);      // softmax_cuda.cu's kernel
void gpuPlanPad(const PadParams& p);              // pad_cuda.cu's kernel
void gpuPlanSeq(const GpuSeqStep& s);             // cuda/gpu_plan_seq.cu
void gpuPlanRnn(const GpuRnnStep& s);             // cuda/gpu_plan_rnn.cu

class GpuPlan {
 public:
  // Throws E_NO_CUDA (no CUDA build, no such GPU), E_NATIVE_ARGS (an op kind without a GPU step,
  // mismatched sizes), E_OUT_OF_MEMORY.
  GpuPlan(int device, const std::vector<std::vector<int64_t>>& inputs, const std::vector<NetOp>& ops,
          const std::vector<int>& outputs);
  GpuPlan(const GpuPlan&) = delete;
  GpuPlan& operator=(const GpuPlan&) = delete;

  // in[i]: input i; out[j]: output j (written); all float32 buffers on the plan's device.
  void run(const std::vector<const void*>& in, const std::vector<void*>& out);

  int device() const { return device_; }
  size_t numInputs() const { return numInputs_; }
  size_t numOutputs() const { return outputs_.size(); }
  const std::vector<int64_t>& dims(int value) const { return dims_[value]; }
  int output(size_t j) const { return outputs_[j]; }
  int64_t runs() const { return runs_; }
  size_t bytes() const { return bytes_; }            // device memory the plan owns
  size_t buffers() const { return owned_.size() + folded_.size(); }  // its allocations, all made at build time
  size_t kernels() const { return steps_.size(); }   // launches per run (GEMMs, fused kernels, row steps, copies)

  // A buffer: an input (per run), an output (per run) or one the plan owns.
  struct Slot {
    int kind;   // 0 input, 1 output, 2 owned
    int index;  // input / output number, or owned_ index
  };
  // A launch, with slots where the run's pointers go.
  struct Step {
    // 0 GEMM (x · wᵀ), 1 fused elementwise (its source: e.source), 2 copy, 3 layer norm, 4 softmax,
    // 5 a sequence kernel (q), 6 pad, 7 a recurrent time step (r: a = xi, b = gh, c = hp, dst = y,
    // scratch = h, other[0] = cp, other[1] = c; kind -1: none)
    int kind;
    Slot a{}, dst{};
    Slot b{-1, 0}, c{-1, 0};  // kind 5: where q.k and q.mask read (kind -1: none)
    Slot scratch{};  // layer norm: the rows' mean and variance (2 · outer floats, read by no one)
    const void* w = nullptr;
    int64_t rows = 0, in = 0, out = 0;  // GEMM; out = bytes (copy)
    int64_t aOff = 0;                   // GEMM: x starts aOff floats into a's buffer
    GpuEwStep e;              // elementwise: all but its src, dst and the kEwAdd / kEwMul operands
    Slot other[kGpuEwMax]{};  // where kEwAdd / kEwMul read (other pointers are weights)
    LayerNormParams ln{};     // all but x, y, saveMean, saveVar
    SoftmaxParams sm{};       // all but x, out
    GpuSeqStep q{};           // all but x, k, mask, y
    PadParams pad{};          // all but x, out
    GpuRnnStep r{};           // all but its pointers
  };

 private:
  friend class GpuPlanBuilder;
  int device_;
  size_t numInputs_;
  std::vector<int> outputs_;
  std::vector<std::vector<int64_t>> dims_;
  std::vector<Step> steps_;
  std::vector<std::shared_ptr<Storage>> owned_;  // pooled activation buffers
  std::vector<std::shared_ptr<Storage>> keep_;   // parameter buffers read in place
  std::vector<std::shared_ptr<Storage>> folded_; // weights, biases, scales folded at build time
  size_t bytes_ = 0;
  int64_t runs_ = 0;
};

}  // namespace bs
