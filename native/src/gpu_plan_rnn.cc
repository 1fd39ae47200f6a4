// The recurrent steps of a GPU plan (gpu_plan.h): RNN (tanh / relu), LSTM and GRU layers, stacked
// and in one or both directions, read from the CPU net plan's encoding (net_plan_rnn.cc: the
// numbers mode, hidden, layers, directions, batchFirst, hasH0, hasC0; inputs x [, h0] [, c0];
// per layer and direction the buffers w_ih, w_hh, b_ih, b_hh, read in place). Eager mode's
// composed path (engine/nn/layers/recurrent-run.ts), step for step: per layer and direction the
// input projection of all T·N rows as one GEMM with b_ih's bias pass, then per time step (the
// reverse direction from t = T − 1 down) the GEMM h_{t-1} · W_hhᵀ (none while the state is the
// zero begin state) and one fused gate kernel (cuda/gpu_plan_rnn.cu) writing h_t (and c_t) and
// the output sequence's entry, both directions side by side on the feature axis. A batch-first
// sequence is read and written in place through row strides, as the CPU plan's ntc layout.
//
// The states live in the final-state buffers hn (and cn), (layers · D, N, H): row l·D + d is the
// state of layer l's direction d while it runs and its final state after, which an rnnState step
// (p: 0 hn, 1 cn) makes a value. They are pooled buffers held for the plan's life (an rnnState
// may be built long after its rnn step); the projections and intermediate sequences go back to
// the pool when the step is built (the stream runs later steps after it).
#include "errors.h"
#include "gpu_plan_build.h"
#include "ops/rnn.h"

namespace bs {

void GpuPlanBuilder::rnn(const NetOp& op, size_t j, int v) {
  if (op.p.size() != 7 || op.in.empty()) fail(code::kArgs, "gpuPlan: op %zu: rnn takes an input and 7 numbers", j);
  const auto num = [&](size_t i) { return static_cast<int64_t>(op.p[i]); };
  const int mode = static_cast<int>(num(0));
  const int64_t h = num(1), layers = num(2), d = num(3);
  const bool batchFirst = num(4) != 0, hasH0 = num(5) != 0, hasC0 = num(6) != 0;
  if (mode < 0 || mode >= kNumRnnModes || h < 1 || layers < 1 || (d != 1 && d != 2)) fail(code::kArgs, "gpuPlan: op %zu: bad rnn numbers", j);
  if (op.in.size() != 1 + (hasH0 ? 1u : 0u) + (hasC0 ? 1u : 0u) || (hasC0 && mode != kRnnLstm))
    fail(code::kArgs, "gpuPlan: op %zu: rnn inputs do not match its begin-state flags", j);
  const int x = op.in[0];
  const std::vector<int64_t> xd = P.dims_[x];
  if (xd.size() != 3) fail(code::kArgs, "gpuPlan: op %zu: rnn expects (T, N, C) or (N, T, C)", j);
  const int64_t t = batchFirst ? xd[1] : xd[0], n = batchFirst ? xd[0] : xd[1], c = xd[2], g = rnnGates(mode);
  const std::vector<int64_t> stateDims{layers * d, n, h};
  for (size_t k = 1; k < op.in.size(); k++)
    if (P.dims_[op.in[k]] != stateDims) fail(code::kArgs, "gpuPlan: op %zu: rnn begin state must be (layers · directions, N, hidden)", j);
  const bool lstm = mode == kRnnLstm;
  flush();  // the inputs in memory
  P.dims_.push_back(batchFirst ? std::vector<int64_t>{n, t, d * h} : std::vector<int64_t>{t, n, d * h});

  const Slot none{-1, 0};
  const int64_t stateBytes = layers * d * n * h * static_cast<int64_t>(sizeof(float));
  const Slot hn = alloc(stateBytes), cn = lstm ? alloc(stateBytes) : none;
  hold(hn);  // never back to the pool: an rnnState step may read it at any later step
  hold(cn);
  finals_[v] = Finals{hn, cn, stateDims};
  const Slot h0 = hasH0 ? slot_[op.in[1]] : none, c0 = hasC0 ? slot_[op.in[hasH0 ? 2 : 1]] : none;
  // Row (time s, batch b) of a sequence is row s · rowT + b · rowB, in either layout.
  const int64_t rowT = batchFirst ? 1 : n, rowB = batchFirst ? t : 1;
  const auto temp = [&](int64_t elems) {
    const Slot s = alloc(elems * static_cast<int64_t>(sizeof(float)));
    hold(s);
    return s;
  };

  Slot in = slot_[x], y = none;
  int64_t k = c;
  for (int64_t l = 0; l < layers; l++) {
    y = l == layers - 1 ? take(v) : temp(t * n * d * h);
    for (int64_t dir = 0; dir < d; dir++) {
      const size_t first = static_cast<size_t>((l * d + dir) * 4);
      if (op.bufs.size() < first + 4) fail(code::kArgs, "gpuPlan: op %zu: rnn needs %lld parameter buffers", j, static_cast<long long>(layers * d * 4));
      const float* wih = param(op, j, first, g * h * k, "rnn w_ih");
      const float* whh = param(op, j, first + 1, g * h * h, "rnn w_hh");
      const float* bih = param(op, j, first + 2, g * h, "rnn b_ih");
      const float* bhh = param(op, j, first + 3, g * h, "rnn b_hh");
      if (!wih || !whh) fail(code::kArgs, "gpuPlan: op %zu: rnn weights are missing", j);
      const Slot xi = temp(t * n * g * h), gh = temp(n * g * h);
      gemm(in, wih, bih, t * n, k, g * h, xi);  // rows in the input's own order
      const int64_t off = (l * d + dir) * n * h;  // this direction's rows of hn / cn / h0 / c0
      Slot hp = h0, cp = c0;
      for (int64_t s = 0; s < t; s++) {
        const int64_t at = dir == 1 ? t - 1 - s : s;
        if (hp.kind >= 0) gemm(hp, whh, nullptr, n, h, g * h, gh, off);  // gh = h_{t-1} · W_hhᵀ (b_hh: in the gate kernel)
        Step r;
        r.kind = 7;
        r.a = xi;
        r.b = hp.kind >= 0 ? gh : none;
        r.c = hp;
        r.other[0] = cp;
        r.scratch = hn;
        r.other[1] = cn;
        r.dst = y;
        r.r.mode = mode;
        r.r.n = n;
        r.r.hidden = h;
        r.r.xiStride = rowB * g * h;
        r.r.xiOff = at * rowT * g * h;
        r.r.bhh = bhh;
        r.r.hpOff = r.r.cpOff = r.r.hOff = r.r.cOff = off;
        r.r.yStride = rowB * d * h;
        r.r.yOff = at * rowT * d * h + dir * h;
        P.steps_.push_back(r);
        hp = hn;
        cp = cn;
      }
      unhold(xi);
      unhold(gh);
    }
    if (l > 0) unhold(in);  // the layer between, read by this one's projections only
    in = y;
    k = d * h;
  }
  for (int i : op.in) read(i);
  assign(v, y);
}

void GpuPlanBuilder::rnnState(const NetOp& op, size_t j, int v) {
  if (op.in.size() != 1 || op.p.size() != 1) fail(code::kArgs, "gpuPlan: op %zu: rnnState takes the rnn step's value and 1 number", j);
  const auto found = finals_.find(op.in[0]);
  if (found == finals_.end()) fail(code::kArgs, "gpuPlan: op %zu: rnnState reads value %d, which no rnn step made", j, op.in[0]);
  const int which = static_cast<int>(op.p[0]);
  const Slot s = which == 0 ? found->second.h : which == 1 ? found->second.c : Slot{-1, 0};
  if (s.kind < 0) fail(code::kArgs, "gpuPlan: op %zu: rnnState takes 0 (hn) or 1 (cn, LSTM), got %d", j, which);
  P.dims_.push_back(found->second.dims);
  assign(v, s);
  read(op.in[0]);
}

}  // namespace bs
