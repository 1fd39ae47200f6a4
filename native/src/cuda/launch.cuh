// Helpers shared by the kernels in ops/*_cuda.cu: grid-stride loops sized by geometry.h.
#pragma once
#include <cuda_runtime.h>

#include "geometry.h"
#include "runtime.h"

namespace bs {
namespace cuda {

// Every elementwise kernel loops i = start; i < n; i += stride, so the grid may be smaller than n.
#define BS_GRID_LOOP(i, n)                                                          \
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < (n); \
       i += static_cast<int64_t>(gridDim.x) * blockDim.x)

inline dim3 gridFor(int64_t n) { return dim3(static_cast<unsigned>(geom::blocksFor(n))); }

}  // namespace cuda
}  // namespace bs
