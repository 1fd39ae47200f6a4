// PackedWeights (packed_gemm.h) on oneDNN's packed sgemm. The three functions are exported by
// libdnnl (2.x) but declared only in its internal src/cpu/gemm/gemm_pack.hpp, so they are declared
// here: column-major, BLAS argument conventions, "P" marks a packed operand. They are weak
// references: a libdnnl without them leaves them null, and the plan runs its unpacked primitives. In column-major terms
// the plan computes out^T [outUnits × rows] = w [outUnits × inUnits] · x^T, with w as the packed
// matrix A (row-major w is column-major w^T: transa "T", lda = inUnits).
#include "packed_gemm.h"

#include <oneapi/dnnl/dnnl.h>

#include <cstdlib>

#include "../errors.h"
#include "../threading.h"

namespace dnnl::impl::cpu {
__attribute__((weak)) dnnl_status_t sgemm_pack_get_size(const char* identifier, const char* transa, const char* transb, const dnnl_dim_t* M,
                                  const dnnl_dim_t* N, const dnnl_dim_t* K, const dnnl_dim_t* lda, const dnnl_dim_t* ldb,
                                  size_t* size, bool* pack);
__attribute__((weak)) dnnl_status_t sgemm_pack(const char* identifier, const char* transa, const char* transb, const dnnl_dim_t* M,
                         const dnnl_dim_t* N, const dnnl_dim_t* K, const dnnl_dim_t* lda, const dnnl_dim_t* ldb,
                         const float* src, float* dst);
__attribute__((weak)) dnnl_status_t sgemm_compute(const char* transa, const char* transb, const dnnl_dim_t* M, const dnnl_dim_t* N,
                            const dnnl_dim_t* K, const float* A, const dnnl_dim_t* lda, const float* B,
                            const dnnl_dim_t* ldb, const float* beta, float* C, const dnnl_dim_t* ldc);
}  // namespace dnnl::impl::cpu

namespace bs {

namespace gemm = dnnl::impl::cpu;

void PackedWeights::Free::operator()(float* p) const { std::free(p); }

PackedWeights::PackedWeights(const float* w, int64_t outUnits, int64_t inUnits, int64_t rows, int threads)
    : outUnits_(outUnits), inUnits_(inUnits), threads_(threads) {
  if (gemm::sgemm_pack_get_size == nullptr || gemm::sgemm_pack == nullptr || gemm::sgemm_compute == nullptr) return;
  // The packed layout holds one part per thread of the team it was packed for.
  ThreadScope scope(threads);
  const dnnl_dim_t M = outUnits, N = rows, K = inUnits, lda = inUnits, ldb = inUnits;
  size_t bytes = 0;
  bool worth = false;
  if (gemm::sgemm_pack_get_size("A", "T", "N", &M, &N, &K, &lda, &ldb, &bytes, &worth) != dnnl_success || !worth || bytes == 0)
    return;
  constexpr size_t kAlign = 64;
  float* buf = static_cast<float*>(std::aligned_alloc(kAlign, (bytes + kAlign - 1) / kAlign * kAlign));
  if (buf == nullptr) fail(code::kOom, "linearPlan: cannot allocate %zu bytes of packed weights", bytes);
  data_.reset(buf);
  if (gemm::sgemm_pack("A", "T", "N", &M, &N, &K, &lda, &ldb, w, buf) != dnnl_success) data_.reset();
}

void PackedWeights::multiply(const float* x, float* out, int64_t rows) const {
  ThreadScope scope(threads_);
  const dnnl_dim_t M = outUnits_, N = rows, K = inUnits_, lda = inUnits_, ldb = inUnits_, ldc = outUnits_;
  const float beta = 0.f;
  if (gemm::sgemm_compute("P", "N", &M, &N, &K, data_.get(), &lda, x, &ldb, &beta, out, &ldc) != dnnl_success)
    fail(code::kDnnl, "linearPlan: oneDNN's packed sgemm failed (%lld x %lld x %lld)", static_cast<long long>(rows),
         static_cast<long long>(inUnits_), static_cast<long long>(outUnits_));
}

}  // namespace bs
