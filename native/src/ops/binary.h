// Elementwise binary ops with broadcasting by strides (codes as BINARY_OP in native-addon.ts).
#pragma once
#include <cstdint>

#include "../checks.h"
#include "../dtype.h"

namespace bs {

enum BinaryOp : int {
  kAdd = 0, kSub, kMul, kDiv, kPow, kMaximum, kMinimum, kEq, kNe, kLt, kLe, kGt, kGe, kNumBinaryOps
};
const char* binaryName(int op);
inline bool isComparison(int op) { return op >= kEq; }

struct BinaryParams {
  int op;
  DType dtype;
  const void* a;
  int64_t aStrides[kMaxRank];
  const void* b;
  int64_t bStrides[kMaxRank];
  void* out;
  Dims shape;
};

struct BinaryScalarParams {
  int op;
  DType dtype;
  const void* x;
  double scalar;
  bool scalarFirst;
  void* out;
  int64_t n;
};

void binaryCpu(const BinaryParams& p);
void binaryScalarCpu(const BinaryScalarParams& p);
void binaryCuda(const BinaryParams& p);  // binary_cuda.cu
void binaryScalarCuda(const BinaryScalarParams& p);

}  // namespace bs
