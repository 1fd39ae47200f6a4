// Batched GEMM on the GPU. With cuBLAS found at build time (BS_HAVE_CUBLAS), float32 and float64
// go to cublas<S|D>gemmStridedBatched; everything else, and every build without cuBLAS (like
// ours: the CUDA 13 runtime image has none), runs our own tiled kernel: a 64x64 tile of C per
// block, k consumed 16 at a time through shared memory, each of 256 threads computing a 4x4
// patch. Operands are read through (row, col) strides, so transposes and batch broadcasting
// (batch stride 0) need no copies. Integer products wrap, as on the CPU.
#include "../cuda/launch.cuh"
#include "matmul.h"

#ifdef BS_HAVE_CUBLAS
#include <cublas_v2.h>

#include <mutex>
#include <vector>
#endif

namespace bs {

namespace {

using geom::kMicro;
using geom::kTileK;
using geom::kTileM;
using geom::kTileN;

template <typename T>
__global__ void __launch_bounds__(geom::kGemmThreads)
    gemmKernel(const T* a, geom::MatStrides as, int64_t aBatch, const T* b, geom::MatStrides bs, int64_t bBatch,
               T* c, int64_t m, int64_t n, int64_t k, int64_t batch0, int64_t colTile0) {
  using W = Wrap<T>;  // wrapping integer arithmetic; floats unchanged
  __shared__ T At[kTileK][kTileM];
  __shared__ T Bt[kTileK][kTileN];
  const int64_t q = batch0 + blockIdx.z;
  a += q * aBatch;
  b += q * bBatch;
  c += q * m * n;
  // Row tiles on x (up to 2^31 - 1: any batch of rows), column tiles on y (65535 per launch).
  const int64_t row0 = static_cast<int64_t>(blockIdx.x) * kTileM;
  const int64_t col0 = (colTile0 + static_cast<int64_t>(blockIdx.y)) * kTileN;
  const int tx = threadIdx.x % (kTileN / kMicro), ty = threadIdx.x / (kTileN / kMicro);
  W acc[kMicro][kMicro];
  for (int i = 0; i < kMicro; i++)
    for (int j = 0; j < kMicro; j++) acc[i][j] = W(0);

  for (int64_t p0 = 0; p0 < k; p0 += kTileK) {
    // Each thread loads kTileM*kTileK/256 = 4 elements of each tile; out-of-range ones are 0.
    for (int e = threadIdx.x; e < kTileM * kTileK; e += geom::kGemmThreads) {
      const int r = e / kTileK, pp = e % kTileK;
      const int64_t gr = row0 + r, gp = p0 + pp;
      At[pp][r] = gr < m && gp < k ? a[gr * as.row + gp * as.col] : T(0);
    }
    for (int e = threadIdx.x; e < kTileK * kTileN; e += geom::kGemmThreads) {
      const int pp = e / kTileN, cc = e % kTileN;
      const int64_t gp = p0 + pp, gc = col0 + cc;
      Bt[pp][cc] = gp < k && gc < n ? b[gp * bs.row + gc * bs.col] : T(0);
    }
    __syncthreads();
#pragma unroll
    for (int pp = 0; pp < kTileK; pp++) {
      W av[kMicro], bv[kMicro];
      // Rows ty + 16i and columns tx + 16j: neighbouring threads read neighbouring words.
      for (int i = 0; i < kMicro; i++) av[i] = static_cast<W>(At[pp][ty + i * (kTileM / kMicro)]);
      for (int j = 0; j < kMicro; j++) bv[j] = static_cast<W>(Bt[pp][tx + j * (kTileN / kMicro)]);
      for (int i = 0; i < kMicro; i++)
        for (int j = 0; j < kMicro; j++) acc[i][j] += av[i] * bv[j];
    }
    __syncthreads();
  }
  for (int i = 0; i < kMicro; i++) {
    const int64_t r = row0 + ty + i * (kTileM / kMicro);
    if (r >= m) continue;
    for (int j = 0; j < kMicro; j++) {
      const int64_t col = col0 + tx + j * (kTileN / kMicro);
      if (col < n) c[r * n + col] = static_cast<T>(acc[i][j]);
    }
  }
}

template <typename T>
void gemmOwn(const MatmulParams& p, cudaStream_t s) {
  const geom::GemmGrid g = geom::gemmGrid(p.m, p.n, p.batch);
  const geom::MatStrides as = geom::operandStrides(p.transA, p.m, p.k);
  const geom::MatStrides bs = geom::operandStrides(p.transB, p.k, p.n);
  for (int64_t slice = 0; slice < g.slices; slice++) {
    const int64_t batch0 = slice * g.perSlice;
    const int64_t count = p.batch - batch0 < g.perSlice ? p.batch - batch0 : g.perSlice;
    for (int64_t colTile0 = 0; colTile0 < g.tilesN; colTile0 += geom::kMaxGridZ) {
      const int64_t cols = g.tilesN - colTile0 < geom::kMaxGridZ ? g.tilesN - colTile0 : geom::kMaxGridZ;
      const dim3 grid(static_cast<unsigned>(g.tilesM), static_cast<unsigned>(cols), static_cast<unsigned>(count));
      gemmKernel<T><<<grid, geom::kGemmThreads, 0, s>>>(static_cast<const T*>(p.a), as, p.aBatchStride,
                                                        static_cast<const T*>(p.b), bs, p.bBatchStride,
                                                        static_cast<T*>(p.out), p.m, p.n, p.k, batch0, colTile0);
      cuda::checkLaunch("matmul");
    }
  }
}

#ifdef BS_HAVE_CUBLAS
// One handle per device, created on first use, bound to that device's stream.
cublasHandle_t cublasFor(int device, cudaStream_t s) {
  static std::mutex mu;
  static std::vector<cublasHandle_t> handles;
  std::lock_guard<std::mutex> lock(mu);
  if (handles.size() <= static_cast<size_t>(device)) handles.resize(device + 1, nullptr);
  if (!handles[device] && cublasCreate(&handles[device]) != CUBLAS_STATUS_SUCCESS)
    fail(cuda::kCudaError, "matmul: cublasCreate failed on gpu(%d)", device);
  cublasSetStream(handles[device], s);
  return handles[device];
}

// Row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T: swap the operands.
bool gemmCublas(const MatmulParams& p, const cuda::Target& t) {
  const int64_t lim = 0x7fffffff;
  if (p.m > lim || p.n > lim || p.k > lim || p.batch > lim) return false;
  cublasHandle_t h = cublasFor(t.device, t.stream);
  const cublasOperation_t opB = p.transB ? CUBLAS_OP_T : CUBLAS_OP_N, opA = p.transA ? CUBLAS_OP_T : CUBLAS_OP_N;
  const int m = static_cast<int>(p.m), n = static_cast<int>(p.n), k = static_cast<int>(p.k);
  const int ldb = p.transB ? k : n, lda = p.transA ? m : k;
  cublasStatus_t st;
  if (p.dtype == DType::F32) {
    const float one = 1.f, zero = 0.f;
    st = cublasSgemmStridedBatched(h, opB, opA, n, m, k, &one, static_cast<const float*>(p.b), ldb, p.bBatchStride,
                                   static_cast<const float*>(p.a), lda, p.aBatchStride, &zero,
                                   static_cast<float*>(p.out), n, p.m * p.n, static_cast<int>(p.batch));
  } else {
    const double one = 1.0, zero = 0.0;
    st = cublasDgemmStridedBatched(h, opB, opA, n, m, k, &one, static_cast<const double*>(p.b), ldb, p.bBatchStride,
                                   static_cast<const double*>(p.a), lda, p.aBatchStride, &zero,
                                   static_cast<double*>(p.out), n, p.m * p.n, static_cast<int>(p.batch));
  }
  if (st != CUBLAS_STATUS_SUCCESS) fail(cuda::kCudaError, "matmul: cuBLAS gemm failed (status %d)", static_cast<int>(st));
  return true;
}
#endif

}  // namespace

void matmulCuda(const MatmulParams& p) {
  if (p.batch == 0 || p.m == 0 || p.n == 0) return;
  const cuda::Target t = cuda::target(p.out, "matmul");
  if (p.k == 0) {  // an empty sum: zeros, and A and B are never read
    cuda::check(cudaMemsetAsync(p.out, 0, static_cast<size_t>(p.batch * p.m * p.n) * dtypeSize(p.dtype), t.stream),
                "matmul");
    return;
  }
#ifdef BS_HAVE_CUBLAS
  if (isFloat(p.dtype) && gemmCublas(p, t)) return;
#endif
  switch (p.dtype) {
    case DType::F32: gemmOwn<float>(p, t.stream); break;
    case DType::F64: gemmOwn<double>(p, t.stream); break;
    case DType::I32: gemmOwn<int32_t>(p, t.stream); break;
    case DType::I64: gemmOwn<int64_t>(p, t.stream); break;
    default: gemmOwn<uint8_t>(p, t.stream); break;
  }
}

}  // namespace bs
