// One recurrent layer (RNN tanh / relu, LSTM, GRU) over a whole sequence in one call, in one or
// both directions, float32 on the CPU through oneDNN's RNN primitives. Shapes and gate orders are
// PyTorch's, so the engine passes its parameters as they are:
//   x (T, N, C); wIh (D, G·H, C); wHh (D, G·H, H); bIh, bHh (D, G·H); h0, c0 (D, N, H) or null
//   y (T, N, D·H) (both directions concatenated on the last axis); hn, cn (D, N, H)
// with G = 1 (RNN), 4 (LSTM: i, f, g, o) or 3 (GRU: r, z, n, the reset applied after h·W_hn —
// oneDNN's linear-before-reset GRU). D = 2 runs the second direction backwards in time.
#pragma once
#include <cstdint>

namespace bs {

enum RnnMode : int { kRnnTanh = 0, kRnnRelu = 1, kRnnLstm = 2, kRnnGru = 3, kNumRnnModes = 4 };

inline int rnnGates(int mode) { return mode == kRnnLstm ? 4 : mode == kRnnGru ? 3 : 1; }

struct RnnShape {
  int mode;
  int64_t t, n, c, h, d;
};

struct RnnParams {
  RnnShape s;
  const float *x, *wIh, *wHh, *bIh, *bHh;
  const float *h0, *c0;  // or null: zeros
  float *y, *hn, *cn;    // cn only for LSTM
  // Training: the primitive's workspace (rnnWorkspaceBytes), which backward reads; null = inference.
  void* workspace;
};

struct RnnBackwardParams {
  RnnShape s;
  const float *x, *wIh, *wHh, *bIh, *bHh, *h0, *c0;  // as forward (h0 / c0 may be null)
  const float *y, *hn, *cn;                          // forward's outputs
  const void* workspace;                             // forward's workspace
  const float *dy, *dhn, *dcn;                       // dhn / dcn may be null: zeros
  float *dx, *dwIh, *dwHh, *dbIh, *dbHh;             // all written
  float *dh0, *dc0;                                  // or null: not wanted
};

// Bytes of workspace a training forward of this shape writes.
int64_t rnnWorkspaceBytes(const RnnShape& s);
void rnnCpu(const RnnParams& p);
void rnnBackwardCpu(const RnnBackwardParams& p);

}  // namespace bs
