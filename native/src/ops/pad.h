// Padding of the last k (1..3) axes of x viewed as [outer, in_0, .., in_{k-1}]: each padded axis
// grows by before + after. Modes: constant (value outside), reflect (mirror without repeating the
// edge, PyTorch's 'reflect'; needs before, after < in) and replicate (the edge repeated).
// The index rules are BS_HD and shared by pad_cpu.cc and pad_cuda.cu. Backward is a gather: each
// input element sums the output gradients of the positions that read it (at most three ranges
// per axis), so it needs no atomics and is deterministic on both devices.
#pragma once
#include <cstdint>

#include "../dtype.h"
#include "../host_device.h"

namespace bs {

enum PadMode : int { kPadConstant = 0, kPadReflect, kPadReplicate, kNumPadModes };

struct PadParams {
  DType dtype;
  const void* x;  // forward: x [outer, in...]; backward: dy [outer, out...]
  void* out;      // forward: y; backward: dx
  int64_t outer;
  int k;
  int64_t in[3], before[3], after[3];
  int mode;
  double value;  // constant mode
};

void padCpu(const PadParams& p);
void padBackwardCpu(const PadParams& p);
void padCuda(const PadParams& p);  // pad_cuda.cu
void padBackwardCuda(const PadParams& p);

namespace pad {

// The input index output position o of an axis reads, or -1 (constant mode, outside).
BS_HD inline int64_t source(int64_t o, int64_t len, int64_t before, int mode) {
  int64_t i = o - before;
  if (i >= 0 && i < len) return i;
  if (mode == kPadConstant) return -1;
  if (mode == kPadReplicate) return i < 0 ? 0 : len - 1;
  return i < 0 ? -i : 2 * (len - 1) - i;  // reflect (before, after < len)
}

// The output positions that read input index i of an axis, as up to 3 ranges [lo[r], hi[r]].
BS_HD inline int readers(int64_t i, int64_t len, int64_t before, int64_t after, int mode, int64_t* lo, int64_t* hi) {
  int n = 0;
  if (mode == kPadReplicate) {
    lo[0] = i == 0 ? 0 : i + before;
    hi[0] = i == len - 1 ? before + len - 1 + after : i + before;
    return 1;
  }
  lo[n] = hi[n] = i + before;
  n++;
  if (mode == kPadReflect) {
    if (i >= 1 && i <= before) { lo[n] = hi[n] = before - i; n++; }
    if (i < len - 1 && i >= len - 1 - after) { lo[n] = hi[n] = before + 2 * (len - 1) - i; n++; }
  }
  return n;
}

}  // namespace pad
}  // namespace bs
