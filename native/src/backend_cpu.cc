// The CPU backend: 64-byte aligned host memory and the ops/*_cpu.cc kernels.
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "backend.h"
#include "errors.h"

namespace bs {

namespace {

// glibc serves blocks over 32 MiB with mmap and unmaps them on free, so every large result faults
// its pages in again: measured, `a.add(b)` on 1.6e7 floats ran at 31% of the kernel's speed, and
// at 102% with freed large blocks parked here by exact size (training loops re-request the same
// sizes every step). See docs/benchmarks.md.
constexpr size_t kCacheMinBytes = size_t(1) << 20;   // smaller blocks come from malloc's own bins
constexpr size_t kCacheMaxBytes = size_t(1) << 30;   // cap on memory parked in the cache

inline size_t roundedSize(size_t bytes) { return (bytes + 63) & ~size_t(63); }

class BlockCache {
 public:
  void* take(size_t bytes) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = free_.find(bytes);
    if (it == free_.end() || it->second.empty()) return nullptr;
    void* p = it->second.back();
    it->second.pop_back();
    cached_ -= bytes;
    return p;
  }
  bool put(void* p, size_t bytes) noexcept {
    try {
      std::lock_guard<std::mutex> lock(mutex_);
      if (cached_ + bytes > kCacheMaxBytes) return false;
      free_[bytes].push_back(p);
      cached_ += bytes;
      return true;
    } catch (...) {
      return false;  // bookkeeping could not grow: the caller frees the block
    }
  }
  void clear() noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& entry : free_) for (void* p : entry.second) std::free(p);
    free_.clear();
    cached_ = 0;
  }

 private:
  std::mutex mutex_;
  std::unordered_map<size_t, std::vector<void*>> free_;
  size_t cached_ = 0;
};

class CpuBackend final : public Backend {
 public:
  const char* name() const override { return "cpu"; }
  int deviceCount() const override { return 1; }

  void* allocate(int, size_t bytes) override {
    if (bytes == 0) return nullptr;
    size_t rounded = roundedSize(bytes);
    if (rounded >= kCacheMinBytes) {
      if (void* cached = cache_.take(rounded)) return cached;
    }
    // Aligned to 64 bytes (one AVX-512 vector / cache line); aligned_alloc wants a multiple.
    void* p = std::aligned_alloc(64, rounded);
    if (!p) {
      cache_.clear();  // memory parked in the cache is better spent on this request
      p = std::aligned_alloc(64, rounded);
    }
    if (!p) fail(code::kOom, "alloc: the system allocator could not provide %zu bytes", bytes);
    return p;
  }
  void release(int, void* p, size_t bytes) noexcept override {
    if (p == nullptr) return;
    size_t rounded = roundedSize(bytes);
    if (rounded < kCacheMinBytes || !cache_.put(p, rounded)) std::free(p);
  }
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
  void optimizerUpdate(const OptimizerParams& p) override { optimizerCpu(p); }
  void conv(const ConvParams& p) override { convCpu(p); }
  void convBackwardData(const ConvParams& p) override { convBackwardDataCpu(p); }
  void convBackwardWeights(const ConvParams& p) override { convBackwardWeightsCpu(p); }
  void pool(const PoolParams& p) override { poolCpu(p); }
  void poolBackward(const PoolParams& p) override { poolBackwardCpu(p); }
  void batchNorm(const BatchNormParams& p) override { batchNormCpu(p); }
  void batchNormBackward(const BatchNormBackwardParams& p) override { batchNormBackwardCpu(p); }
  void layerNorm(const LayerNormParams& p) override { layerNormCpu(p); }
  void layerNormBackward(const LayerNormBackwardParams& p) override { layerNormBackwardCpu(p); }
  void pad(const PadParams& p) override { padCpu(p); }
  void padBackward(const PadParams& p) override { padBackwardCpu(p); }
  void take(const TakeParams& p) override { takeCpu(p); }
  void takeBackward(const TakeParams& p) override { takeBackwardCpu(p); }

 private:
  BlockCache cache_;
};

}  // namespace

Backend& cpuBackend() {
  // Never destroyed: buffers finalized during process teardown must still find their backend.
  static CpuBackend* backend = new CpuBackend();
  return *backend;
}

}  // namespace bs
