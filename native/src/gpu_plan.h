// A compiled float32 forward on one GPU (what hybridize() builds for a CUDA input): Dense (its
// GEMM, then bias and activation in one elementwise pass), activations, Flatten / Reshape, and the
// Add / Multiply merges, run back to back on the device's one stream with no host synchronisation
// (the read of an output waits, as for every GPU op). Built once per input signature:
//
// - every intermediate buffer is allocated here, once (allocateStorage: counted in memoryStats),
//   from a pool: a buffer goes back to the pool once the last step reading its value is built, so
//   values whose lifetimes do not overlap share memory (as the CPU net plan does, net_plan.h);
// - weights and biases are read in place from the parameters' buffers (kept alive, never copied);
// - consecutive elementwise steps (a Dense's bias and activation, Activation blocks, adds and
//   products with one operand just computed) become ONE kernel (GpuEwStep): the value in between
//   lives in a register, never in memory; a reshape is a new name for the same buffer;
// - an output is written straight into the caller's buffer where its producer can, else copied.
//
// The steps are built here (gpu_plan.cc, plain C++ compiled in every build); the kernels are in
// cuda/gpu_plan.cu, and cuda_stub.cc makes every launch fail with E_NO_CUDA in builds without CUDA.
// Value ids as in plan_ops.h. Not thread-safe.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "ops/matmul.h"
#include "plan_ops.h"

namespace bs {

// One instruction of a fused elementwise kernel, applied to the running value v of element i.
enum GpuEwOp : int {
  kEwBias = 0,  // v += other[i % cols]
  kEwAct,       // v = unary act(v, alpha), the formula of unary_cuda.cu
  kEwAdd,       // v = v + other[i]
  kEwMul,       // v = v * other[i]
};
constexpr int kGpuEwMax = 8;  // instructions per kernel; a longer run of steps starts a new kernel

struct GpuEwInstr {
  int op = 0;
  int act = 0;
  float alpha = 0;
  const float* other = nullptr;
  int64_t cols = 1;
};

// dst[i] = instrs(src[i]) for i < n; dst may be src (each element reads only its own index).
struct GpuEwStep {
  const float* src = nullptr;
  float* dst = nullptr;
  int64_t n = 0;
  int count = 0;
  GpuEwInstr ins[kGpuEwMax];
};

// The launches (cuda/gpu_plan.cu; cuda_stub.cc throws E_NO_CUDA), each queued on the stream of the
// device `dst` lives on, none waiting for the GPU.
void gpuPlanGemm(const MatmulParams& p);
void gpuPlanElementwise(const GpuEwStep& s);
void gpuPlanCopy(void* dst, const void* src, size_t bytes);

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
  size_t buffers() const { return owned_.size(); }   // its allocations, all made at build time
  size_t kernels() const { return steps_.size(); }   // launches per run (GEMMs, fused passes, copies)

  // A buffer: an input (per run), an output (per run) or one the plan owns.
  struct Slot {
    int kind;   // 0 input, 1 output, 2 owned
    int index;  // input / output number, or owned_ index
  };
  // A launch, with slots where the run's pointers go.
  struct Step {
    int kind;  // 0 GEMM (x · wᵀ), 1 fused elementwise, 2 copy
    Slot a{}, dst{};
    const void* w = nullptr;
    int64_t rows = 0, in = 0, out = 0;  // GEMM; out = elements (elementwise) / bytes (copy)
    int count = 0;
    GpuEwInstr ins[kGpuEwMax];
    Slot other[kGpuEwMax]{};  // where kEwAdd / kEwMul read (other pointers are weights)
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
  size_t bytes_ = 0;
  int64_t runs_ = 0;
};

}  // namespace bs
