// Row gather and its adjoint, the ops behind Embedding: out[i, :] = table[idx[i], :] for n
// indices into a (rows, dim) table, and dtable[idx[i], :] += dy[i, :] (a scatter-add: an index
// that repeats sums every gradient that reads it). Indices are int32 or int64; the table any
// dtype forward and float backward. The entry point checks every index is in [0, rows) on the
// CPU; the GPU kernels skip (forward: write zeros for) an index out of range instead of reading
// outside the table, as a kernel cannot throw.
#pragma once
#include <cstdint>

#include "../dtype.h"
#include "../host_device.h"

namespace bs {

struct TakeParams {
  DType dtype;       // the table's (and out's) dtype
  DType indexDtype;  // I32 or I64
  const void* table;  // forward: table [rows, dim]; backward: dy [n, dim]
  const void* index;  // [n]
  void* out;          // forward: out [n, dim]; backward: dtable [rows, dim], accumulated into
  int64_t n, rows, dim;
};

void takeCpu(const TakeParams& p);
void takeBackwardCpu(const TakeParams& p);
void takeCuda(const TakeParams& p);  // take_cuda.cu
void takeBackwardCuda(const TakeParams& p);

namespace take {

// Index i as int64 (-1 when out of range, so kernels can skip it).
BS_HD inline int64_t row(const void* index, DType d, int64_t i, int64_t rows) {
  const int64_t r = d == DType::I32 ? static_cast<const int32_t*>(index)[i] : static_cast<const int64_t*>(index)[i];
  return r >= 0 && r < rows ? r : -1;
}

}  // namespace take
}  // namespace bs
