// The buffers batch and layer normalization's backward share: both take x, dy, the optional gamma
// and the statistics the forward normalized with, and write the gradients asked for (null: not
// wanted). What the statistics are per (channel or row) and the sizes are each op's own.
#pragma once

#include "../dtype.h"

namespace bs {

struct NormBackwardBuffers {
  DType dtype;
  const void* x;
  const void* dy;
  const void* gamma;  // or null
  const void* mean;
  const void* var;
  void* dx;      // or null
  void* dgamma;  // or null
  void* dbeta;   // or null
};

}  // namespace bs
