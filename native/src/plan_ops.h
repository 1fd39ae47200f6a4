// The ops of a compiled graph forward as JS describes them (engine/nn/hybrid-net-ops.ts encode()),
// shared by the CPU net plan (net_plan.h, oneDNN) and the GPU plan (gpu_plan.h, CUDA): plain C++
// with no oneDNN or CUDA types, so both builds and both compilers read the same definition.
#pragma once
#include <memory>
#include <vector>

namespace bs {

struct Storage;

enum NetOpKind : int {
  kNetConv = 0, kNetPool, kNetBatchNorm, kNetAdd, kNetAct, kNetReshape, kNetLinear,
  kNetLayerNorm, kNetEmbed, kNetTableAdd, kNetAttention,  // net_plan_seq.cc
  kNetTranspose, kNetAxisReduce, kNetSlice, kNetConcat, kNetSoftmax,  // net_plan_shape.cc
  kNetGroupNorm,                                                      // net_plan_seq.cc
  kNetPointwise, kNetPad,                                             // net_plan_shape.cc
  kNetDeconv,                                                         // net_plan_deconv.cc
  kNetRnn, kNetRnnState,                                              // net_plan_rnn.cc
  kNumNetOps
};

// One op; the meaning of p and bufs per kind is in net_plan_steps.cc (and gpu_plan.cc for the
// kinds a GPU plan takes).
struct NetOp {
  int kind = 0;
  std::vector<int> in;                          // value ids
  std::vector<double> p;                        // numbers
  std::vector<std::shared_ptr<Storage>> bufs;   // parameter buffers (null entries allowed)
};

}  // namespace bs
