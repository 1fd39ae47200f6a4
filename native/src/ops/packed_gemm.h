// Weights packed once for oneDNN's packed sgemm (the GEMM its RNN primitives run their weights
// through): the compiled Dense plan (linear_plan.cc) packs each layer's weights at build, so no call
// repacks them, which is what the unpacked inner product does on every call (oneDNN 2.6 on AVX2
// answers weights format_tag::any with a plain or transposed layout, not a packed one).
#pragma once
#include <cstdint>
#include <memory>

namespace bs {

// out[rows, outUnits] = x[rows, inUnits] · w^T for w [outUnits, inUnits] (row-major), w packed at
// construction for `threads` threads and `rows` rows. A copy: later writes to w are not seen.
class PackedWeights {
 public:
  PackedWeights(const float* w, int64_t outUnits, int64_t inUnits, int64_t rows, int threads);
  // false: oneDNN does not pack this shape (or this CPU); use the unpacked primitive.
  bool ok() const { return data_ != nullptr; }
  int threads() const { return threads_; }
  // out for `rows` rows of x; rows ≤ the rows it was packed for when threads() > 1. Runs on
  // threads() threads (its own ThreadScope); throws a coded NativeError if oneDNN fails.
  void multiply(const float* x, float* out, int64_t rows) const;

 private:
  struct Free {
    void operator()(float* p) const;
  };
  std::unique_ptr<float, Free> data_;
  int64_t outUnits_, inUnits_;
  int threads_;
};

}  // namespace bs
