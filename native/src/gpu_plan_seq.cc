// The Transformer's steps of a GPU plan (gpu_plan.h): the embedding gather, the position table add
// and attention, with the numbers and buffers the CPU net plan reads (net_plan_seq.cc):
//
//   embed:     vocab, dim, idsInt32 | weight: a kernel of cuda/gpu_plan_seq.cu gathers the rows
//              (float ids truncated; int32 ids only from a plan input). An id outside [0, vocab)
//              gives a row of zeros, as eager mode's take_cuda.cu: a kernel cannot throw, and the
//              plan never waits for the GPU to check (the CPU plan fails the run instead).
//   tableAdd:  inner | table: y[i] = x[i] + table[i mod inner], one instruction of a fused kernel.
//   attention: heads, causal, project | inW, inB, outW, outB[, qW, kW, vW]: the projections are
//              GEMMs (matmul_cuda.cu) with their bias added in place, then per (batch, head) the
//              scores q·kᵀ/√d with the causal mask and the key-padding mask (one kernel), the
//              softmax over the keys (softmax_cuda.cu), and the weights times the values written
//              with the heads joined (one kernel): the heads are read in place through strides,
//              never transposed. The scores, weights and projections live in pooled buffers that
//              return to the pool when the step is built (the stream runs later steps after it).
#include <cmath>

#include "errors.h"
#include "gpu_plan_build.h"

namespace bs {

namespace {

int64_t whole(const NetOp& op, size_t i, size_t j) { return static_cast<int64_t>(gpuPlanNum(op, i, j)); }

}  // namespace

void GpuPlanBuilder::embed(const NetOp& op, size_t j, int v, int x) {
  const std::vector<int64_t> xd = P.dims_[x];
  const int64_t vocab = whole(op, 0, j), dim = whole(op, 1, j);
  const bool ints = gpuPlanNum(op, 2, j) != 0;
  if (ints && static_cast<size_t>(x) >= P.numInputs_) fail(code::kArgs, "gpuPlan: op %zu: int32 ids must be a plan input", j);
  if (vocab < 1 || dim < 1) fail(code::kArgs, "gpuPlan: op %zu: an embedding of %lld x %lld", j, static_cast<long long>(vocab), static_cast<long long>(dim));
  const float* w = param(op, j, 0, vocab * dim, "embedding weight");
  if (!w) fail(code::kArgs, "gpuPlan: op %zu: embedding needs a weight", j);
  std::vector<int64_t> yd = xd;
  yd.push_back(dim);
  P.dims_.push_back(yd);
  Step s;
  s.kind = 5;
  s.q.op = kSeqGather;
  s.q.n = gpuPlanCount(yd);
  s.q.width = dim;
  s.q.vocab = vocab;
  s.q.ints = ints;
  s.q.w = w;
  rowStep(s, v, x, 0);
}

void GpuPlanBuilder::tableAdd(const NetOp& op, size_t j, int v, int x) {
  const int64_t inner = whole(op, 0, j), total = gpuPlanCount(P.dims_[x]);
  if (inner < 1 || total % inner) fail(code::kArgs, "gpuPlan: op %zu: a table of %lld elements does not tile the input", j, static_cast<long long>(inner));
  const float* table = param(op, j, 0, inner, "position table", true);
  if (!table) fail(code::kArgs, "gpuPlan: op %zu: tableAdd needs its table", j);
  GpuEwInstr b;
  b.op = kEwBias;
  b.other = table;
  b.cols = inner;
  elementwise(v, x, b);
}

void GpuPlanBuilder::gemm(Slot x, const float* w, const float* bias, int64_t rows, int64_t in, int64_t units, Slot dst, int64_t xOff) {
  Step g;
  g.kind = 0;
  g.a = x;
  g.aOff = xOff;
  g.w = w;
  g.rows = rows;
  g.in = in;
  g.out = units;
  g.dst = dst;
  P.steps_.push_back(g);
  if (!bias) return;
  Step b;  // linear_cuda.cu's bias pass: out += bias
  b.kind = 1;
  b.a = dst;
  b.dst = dst;
  b.e.n = rows * units;
  b.e.ins[0].op = kEwBias;
  b.e.ins[0].other = bias;
  b.e.ins[0].cols = units;
  b.e.count = 1;
  P.steps_.push_back(b);
}

void GpuPlanBuilder::attention(const NetOp& op, size_t j, int v) {
  const int64_t heads = whole(op, 0, j);
  const bool causal = gpuPlanNum(op, 1, j) != 0, proj = gpuPlanNum(op, 2, j) != 0;
  if (op.in.empty() || op.in.size() > 4 || (!proj && op.in.size() != 3)) fail(code::kArgs, "gpuPlan: op %zu: attention takes query, key and value", j);
  const int qv = op.in[0], kv = op.in.size() > 1 ? op.in[1] : qv, vv = op.in.size() > 2 ? op.in[2] : kv;
  const std::vector<int64_t> qd = P.dims_[qv], kd = P.dims_[kv], vd = P.dims_[vv];
  const size_t r = qd.size();
  if (r < 2 || kd.size() != r || vd.size() != r) fail(code::kArgs, "gpuPlan: op %zu: attention inputs need one rank >= 2", j);
  flush();  // the inputs in memory
  std::vector<Slot> temps;
  const auto temp = [&](int64_t elems) {
    const Slot s = alloc(elems * static_cast<int64_t>(sizeof(float)));
    hold(s);
    temps.push_back(s);
    return s;
  };
  // The three kernels of softmax(q·kᵀ/√d + masks)·v over batch × heads matrices.
  const auto attend = [&](Slot q, GpuHeads qh, Slot k, GpuHeads kh, Slot val, GpuHeads vh, Slot mask, int64_t batch, int64_t l, int64_t s,
                          int64_t d, int64_t dv, Slot out) {
    const Slot scores = temp(batch * heads * l * s), weights = temp(batch * heads * l * s);
    // A sequence step over the batch × heads matrices of l rows and s keys, the fields scores and
    // mix share: `second` is the layout of the second operand's heads (scores: k; mix: v).
    const auto seqStep = [&](int seqOp, int64_t n, int64_t width, GpuHeads second, Slot first, Slot other, Slot dst) {
      Step t;
      t.kind = 5;
      t.q.op = seqOp;
      t.q.n = n;
      t.q.batch = batch;
      t.q.heads = heads;
      t.q.rows = l;
      t.q.keys = s;
      t.q.width = width;
      t.q.kh = second;
      t.a = first;
      t.b = other;
      t.dst = dst;
      return t;
    };
    Step sc = seqStep(kSeqScores, batch * heads * l * s, d, kh, q, k, scores);
    sc.q.qh = qh;
    sc.q.causal = causal;
    sc.q.scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(d)));
    sc.c = mask;
    P.steps_.push_back(sc);
    Step sm;
    sm.kind = 4;
    sm.sm.dtype = DType::F32;
    sm.sm.outer = batch * heads * l;
    sm.sm.axisLen = s;
    sm.sm.inner = 1;
    sm.a = scores;
    sm.dst = weights;
    P.steps_.push_back(sm);
    P.steps_.push_back(seqStep(kSeqMix, batch * l * heads * dv, dv, vh, weights, val, out));
  };
  const auto finish = [&](Slot y) {
    for (int in : op.in) read(in);
    for (Slot t : temps) unhold(t);
    assign(v, y);
  };
  if (!proj) {  // scaled dot-product attention over (B..., L, d)
    if (heads != 1) fail(code::kArgs, "gpuPlan: op %zu: scaled dot-product attention has one head", j);
    int64_t batch = 1;
    for (size_t i = 0; i + 2 < r; i++) {
      if (kd[i] != qd[i] || vd[i] != qd[i]) fail(code::kArgs, "gpuPlan: op %zu: attention inputs differ in their leading dims", j);
      batch *= qd[i];
    }
    const int64_t l = qd[r - 2], d = qd[r - 1], s = kd[r - 2], dv = vd[r - 1];
    if (kd[r - 1] != d || vd[r - 2] != s) fail(code::kArgs, "gpuPlan: op %zu: attention key / value shapes do not match the query", j);
    std::vector<int64_t> yd = qd;
    yd[r - 1] = dv;
    P.dims_.push_back(yd);
    const Slot y = take(v);
    attend(slot_[qv], GpuHeads{0, l * d, d}, slot_[kv], GpuHeads{0, s * d, d}, slot_[vv], GpuHeads{0, s * dv, dv}, Slot{-1, 0}, batch, l, s, d, dv, y);
    return finish(y);
  }
  if (r != 3) fail(code::kArgs, "gpuPlan: op %zu: multi-head attention takes (N, T, E)", j);
  const int64_t n = qd[0], l = qd[1], e = qd[2], s = kd[1], kdim = kd[2], vdim = vd[2];
  if (heads < 1 || e % heads) fail(code::kArgs, "gpuPlan: op %zu: %lld heads do not divide the width %lld", j, static_cast<long long>(heads), static_cast<long long>(e));
  if (kd[0] != n || vd[0] != n || vd[1] != s) fail(code::kArgs, "gpuPlan: op %zu: attention key / value must be (N, S, features)", j);
  const float* inW = param(op, j, 0, 3 * e * e, "in_proj_weight");
  const float* sep[3] = {param(op, j, 4, e * e, "q_proj_weight"), param(op, j, 5, e * kdim, "k_proj_weight"), param(op, j, 6, e * vdim, "v_proj_weight")};
  if (!inW && !(sep[0] && sep[1] && sep[2])) fail(code::kArgs, "gpuPlan: op %zu: attention needs in_proj_weight or q/k/v_proj_weight", j);
  if (inW && (kdim != e || vdim != e)) fail(code::kArgs, "gpuPlan: op %zu: a packed in-projection takes keys and values of E features", j);
  const float* inB = param(op, j, 1, 3 * e, "in_proj_bias");
  const float* outW = param(op, j, 2, e * e, "out_proj_weight");
  const float* outB = param(op, j, 3, e, "out_proj_bias");
  if (!outW) fail(code::kArgs, "gpuPlan: op %zu: attention needs out_proj_weight", j);
  Slot mask{-1, 0};
  if (op.in.size() == 4) {
    if (P.dims_[op.in[3]] != std::vector<int64_t>{n, s}) fail(code::kArgs, "gpuPlan: op %zu: the key-padding mask must be (N, S)", j);
    mask = slot_[op.in[3]];
  }
  P.dims_.push_back(qd);
  const int64_t d = e / heads;
  Slot qs, ks, vs;
  GpuHeads qh, kh, vh;
  if (op.in.size() == 1 && inW) {  // self-attention: one (3E, E) projection, the heads read in place
    qs = ks = vs = temp(n * l * 3 * e);
    gemm(slot_[qv], inW, inB, n * l, e, 3 * e, qs);
    qh = GpuHeads{0, l * 3 * e, 3 * e};
    kh = GpuHeads{e, l * 3 * e, 3 * e};
    vh = GpuHeads{2 * e, l * 3 * e, 3 * e};
  } else {
    const int src[3] = {qv, kv, vv};
    const int64_t rows[3] = {l, s, s}, width[3] = {e, kdim, vdim};
    Slot* to[3] = {&qs, &ks, &vs};
    GpuHeads* hs[3] = {&qh, &kh, &vh};
    for (int i = 0; i < 3; i++) {
      *to[i] = temp(n * rows[i] * e);
      gemm(slot_[src[i]], inW ? inW + i * e * e : sep[i], inB ? inB + i * e : nullptr, n * rows[i], width[i], e, *to[i]);
      *hs[i] = GpuHeads{0, rows[i] * e, e};
    }
  }
  const Slot joined = temp(n * l * e);
  const Slot y = take(v);
  attend(qs, qh, ks, kh, vs, vh, mask, n, l, s, d, d, joined);
  gemm(joined, outW, outB, n * l, e, e, y);
  finish(y);
}

}  // namespace bs
