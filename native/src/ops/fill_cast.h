// fill and cast: contiguous, n elements.
#pragma once
#include <cstdint>

#include "../dtype.h"

namespace bs {

struct FillParams {
  DType dtype;
  void* out;
  int64_t n;
  double value;
};

struct CastParams {
  DType srcDtype;
  const void* src;
  DType dstDtype;
  void* dst;
  int64_t n;
};

void fillCpu(const FillParams& p);
void castCpu(const CastParams& p);
void fillCuda(const FillParams& p);  // fill_cast_cuda.cu
void castCuda(const CastParams& p);

}  // namespace bs
