// The CPU backend: 64-byte aligned host memory and the ops/*_cpu.cc kernels.
#include <cstdlib>
#include <cstring>

#include "backend.h"
#include "errors.h"

namespace bs {

namespace {

class CpuBackend final : public Backend {
 public:
  const char* name() const override { return "cpu"; }
  int deviceCount() const override { return 1; }

  void* allocate(int, size_t bytes) override {
    if (bytes == 0) return nullptr;
    // Aligned to 64 bytes (one AVX-512 vector / cache line); aligned_alloc wants a multiple.
    size_t rounded = (bytes + 63) & ~size_t(63);
    void* p = std::aligned_alloc(64, rounded);
    if (!p) fail(code::kOom, "alloc: the system allocator could not provide %zu bytes", bytes);
    return p;
  }
  void release(int, void* p, size_t) noexcept override { std::free(p); }
  void copyFromHost(int, void* dst, const void* src, size_t n) override { std::memmove(dst, src, n); }
  void copyToHost(int, void* dst, const void* src, size_t n) override { std::memmove(dst, src, n); }
  void copyWithin(int, void* dst, const void* src, size_t n) override { std::memmove(dst, src, n); }

  void fill(const FillParams& p) override { fillCpu(p); }
  void cast(const CastParams& p) override { castCpu(p); }
  void random(const RandomParams& p) override { randomCpu(p); }
  void copyStrided(const CopyStridedParams& p) override { copyStridedCpu(p); }
  void fillStrided(const FillStridedParams& p) override { fillStridedCpu(p); }
  void unary(const UnaryParams& p) override { unaryCpu(p); }
  void unaryBackward(const UnaryBackwardParams& p) override { unaryBackwardCpu(p); }
  void binary(const BinaryParams& p) override { binaryCpu(p); }
  void binaryScalar(const BinaryScalarParams& p) override { binaryScalarCpu(p); }
  void reduce(const ReduceParams& p) override { reduceCpu(p); }
  void softmax(const SoftmaxParams& p) override { softmaxCpu(p); }
  void softmaxBackward(const SoftmaxParams& p) override { softmaxBackwardCpu(p); }
  void matmul(const MatmulParams& p) override { matmulCpu(p); }
  void linear(const LinearParams& p) override { linearCpu(p); }
};

}  // namespace

Backend& cpuBackend() {
  static CpuBackend backend;
  return backend;
}

}  // namespace bs
