// float32 GEMM on oneDNN matmul (transposes expressed as memory-descriptor strides, a broadcast
// operand as batch dim 1); every other dtype, and tiny float32 products, on a cache-blocked plain
// kernel.
#include <algorithm>
#include <cstring>
#include <memory>
#include <type_traits>

#include "../dnnl_common.h"
#include "../parallel.h"
#include "matmul.h"

namespace bs {

namespace {

constexpr int64_t kRowBlock = 64, kDepthBlock = 256, kColBlock = 1024;

}  // namespace

template <typename T>
void gemmPlain(const T* a, int64_t aRS, int64_t aCS, const T* b, int64_t bRS, int64_t bCS, T* c,
               int64_t m, int64_t n, int64_t k) {
  using W = Wrap<T>;  // integer products wrap instead of overflowing (UB)
  std::unique_ptr<T[]> packed;
  if (bCS != 1 && n > 1) {  // make B's rows contiguous so the inner loop vectorises
    packed.reset(new T[k * n]);
    for (int64_t p = 0; p < k; p++)
      for (int64_t j = 0; j < n; j++) packed[p * n + j] = b[p * bRS + j * bCS];
    b = packed.get();
    bRS = n;
    bCS = 1;
  }
  std::fill(c, c + m * n, T(0));
  const int64_t rowBlocks = (m + kRowBlock - 1) / kRowBlock;
  parallelFor(rowBlocks, static_cast<double>(m) * n * k >= 262144.0 && rowBlocks > 1, [&](int64_t rb) {
    const int64_t i0 = rb * kRowBlock, i1 = std::min(m, i0 + kRowBlock);
    for (int64_t j0 = 0; j0 < n; j0 += kColBlock) {
      const int64_t j1 = std::min(n, j0 + kColBlock);
      for (int64_t p0 = 0; p0 < k; p0 += kDepthBlock) {
        const int64_t p1 = std::min(k, p0 + kDepthBlock);
        for (int64_t i = i0; i < i1; i++) {
          W* crow = reinterpret_cast<W*>(c + i * n);
          for (int64_t p = p0; p < p1; p++) {
            const W av = static_cast<W>(a[i * aRS + p * aCS]);
            const T* brow = b + p * bRS;
            if (bCS == 1)
              for (int64_t j = j0; j < j1; j++) crow[j] += av * static_cast<W>(brow[j]);
            else
              for (int64_t j = j0; j < j1; j++) crow[j] += av * static_cast<W>(brow[j * bCS]);
          }
        }
      }
    }
  });
}

template void gemmPlain<float>(const float*, int64_t, int64_t, const float*, int64_t, int64_t, float*, int64_t, int64_t, int64_t);
template void gemmPlain<double>(const double*, int64_t, int64_t, const double*, int64_t, int64_t, double*, int64_t, int64_t, int64_t);

namespace {

template <typename T>
void matmulPlain(const MatmulParams& p) {
  const T* a = static_cast<const T*>(p.a);
  const T* b = static_cast<const T*>(p.b);
  T* c = static_cast<T*>(p.out);
  const int64_t aRS = p.transA ? 1 : p.k, aCS = p.transA ? p.m : 1;
  const int64_t bRS = p.transB ? 1 : p.n, bCS = p.transB ? p.k : 1;
  for (int64_t q = 0; q < p.batch; q++)
    gemmPlain<T>(a + q * p.aBatchStride, aRS, aCS, b + q * p.bBatchStride, bRS, bCS,
                 c + q * p.m * p.n, p.m, p.n, p.k);
}

// A [bA, m, k] (or its transpose), B [bB, k, n], C [batch, m, n]; bA/bB are batch or 1.
CachedPrim matmulPrim(int64_t bA, int64_t bB, int64_t batch, const MatmulParams& p, int64_t aBS,
                      int64_t bBS) {
  const PrimKey key(PrimKind::Matmul, {bA, bB, batch, p.m, p.n, p.k, p.transA, p.transB, aBS, bBS});
  return getPrimitive(key, [&] {
    using dt = dnnl::memory::data_type;
    const int64_t m = p.m, n = p.n, k = p.k;
    dnnl::memory::desc a({bA, m, k}, dt::f32, p.transA ? dnnl::memory::dims{aBS, 1, m} : dnnl::memory::dims{aBS, k, 1});
    dnnl::memory::desc b({bB, k, n}, dt::f32, p.transB ? dnnl::memory::dims{bBS, 1, k} : dnnl::memory::dims{bBS, n, 1});
    dnnl::memory::desc c({batch, m, n}, dt::f32, dnnl::memory::dims{m * n, n, 1});
    dnnl::matmul::desc d(a, b, c);
    CachedPrim made;
    made.prim = dnnl::matmul(dnnl::matmul::primitive_desc(d, dnnlEngine()));
    made.md[0] = a;
    made.md[1] = b;
    made.md[2] = c;
    return made;
  });
}

void runMatmul(const CachedPrim& c, const void* a, const void* b, void* out) {
  dnnl::memory ma(c.md[0], dnnlEngine(), const_cast<void*>(a));
  dnnl::memory mb(c.md[1], dnnlEngine(), const_cast<void*>(b));
  dnnl::memory mc(c.md[2], dnnlEngine(), out);
  c.prim.execute(dnnlStream(), {{DNNL_ARG_SRC, ma}, {DNNL_ARG_WEIGHTS, mb}, {DNNL_ARG_DST, mc}});
  dnnlStream().wait();
}

// One product [m, k]·[k, n] as row chunks of A and C, each a one-thread primitive, taken by the
// budget's threads as they come (threading.h chunkRowsFor: while cores are busy elsewhere).
void matmulChunked(const MatmulParams& p, int64_t bBS, int64_t chunkRows) {
  const int64_t chunks = (p.m + chunkRows - 1) / chunkRows;
  const int64_t rest = p.m - (chunks - 1) * chunkRows;
  MatmulParams q = p;
  CachedPrim full, last;
  {
    ThreadScope scope(1);
    q.m = chunkRows;
    full = matmulPrim(1, 1, 1, q, chunkRows * p.k, bBS);
    q.m = rest;
    last = rest == chunkRows ? full : matmulPrim(1, 1, 1, q, rest * p.k, bBS);
  }
  parallelChunks(chunks, threadBudget(), [&](int64_t c) {
    const int64_t r0 = c * chunkRows;
    runMatmul(c + 1 == chunks ? last : full, static_cast<const float*>(p.a) + r0 * p.k, p.b, static_cast<float*>(p.out) + r0 * p.n);
  });
}

void matmulDnnl(const MatmulParams& p) {
  const int64_t mk = p.m * p.k, kn = p.k * p.n, mn = p.m * p.n;
  if (!p.transA && (p.batch == 1 || (p.aBatchStride == 0 && p.bBatchStride == 0))) {
    const int64_t chunk = chunkRowsFor(p.m, static_cast<double>(p.m) * p.n * p.k);
    if (chunk > 0) {
      withDnnl("matmul", [&] { matmulChunked(p, kn, chunk); });
      float* out = static_cast<float*>(p.out);
      for (int64_t q = 1; q < p.batch; q++) std::memcpy(out + q * mn, out, mn * sizeof(float));
      return;
    }
  }
  // Both operands broadcast: every batch gets the same product; compute it once and copy.
  const int64_t batch = p.aBatchStride == 0 && p.bBatchStride == 0 ? 1 : p.batch;
  const int64_t bA = p.aBatchStride == 0 ? 1 : batch, bB = p.bBatchStride == 0 ? 1 : batch;
  const bool regular = (bA == 1 || p.aBatchStride >= mk) && (bB == 1 || p.bBatchStride >= kn);
  ThreadScope threads(threadsFor(static_cast<double>(batch) * p.m * p.n * p.k));
  withDnnl("matmul", [&] {
    bool done = false;
    if (regular) {
      try {
        CachedPrim c = matmulPrim(bA, bB, batch, p, bA == 1 ? mk : p.aBatchStride, bB == 1 ? kn : p.bBatchStride);
        runMatmul(c, p.a, p.b, p.out);
        done = true;
      } catch (const dnnl::error&) {
        // Some stride combinations have no implementation; fall through to one call per batch.
      }
    }
    if (!done) {
      CachedPrim c = matmulPrim(1, 1, 1, p, mk, kn);
      for (int64_t q = 0; q < batch; q++)
        runMatmul(c, static_cast<const float*>(p.a) + q * p.aBatchStride,
                  static_cast<const float*>(p.b) + q * p.bBatchStride, static_cast<float*>(p.out) + q * mn);
    }
  });
  float* out = static_cast<float*>(p.out);
  for (int64_t q = batch; q < p.batch; q++) std::memcpy(out + q * mn, out, mn * sizeof(float));
}

}  // namespace

void matmulCpu(const MatmulParams& p) {
  if (p.batch == 0 || p.m == 0 || p.n == 0) return;
  if (p.k == 0) {  // an empty sum: zeros, and A and B are never read
    const size_t bytes = static_cast<size_t>(p.batch * p.m * p.n) * dtypeSize(p.dtype);
    std::memset(p.out, 0, bytes);
    return;
  }
  if (supportsDnnl(p.dtype) && static_cast<double>(p.m) * p.n * p.k >= kDnnlMin) return matmulDnnl(p);
  switch (p.dtype) {
    case DType::F32: matmulPlain<float>(p); break;
    case DType::F64: matmulPlain<double>(p); break;
    case DType::I32: matmulPlain<int32_t>(p); break;
    case DType::I64: matmulPlain<int64_t>(p); break;
    default: matmulPlain<uint8_t>(p); break;
  }
}

}  // namespace bs
