// Recurrent layers on oneDNN 2.6's RNN primitives (vanilla_rnn, lstm, lbr_gru), one layer and one
// or both directions (bidirectional_concat) per call. The engine's weights are PyTorch's (G·H, K)
// matrices per direction, which is oneDNN's ldgoi (layers, directions, K, gates, H) as they lie,
// except that the GRU's gates are reordered (oneDNN's u, r, o are PyTorch's z, r, n), so only the
// GRU's are repacked. oneDNN 2.6's forward takes no ldgoi: each call reorders the weights to the
// layout the primitive picks (format_tag::any; backward picks another). Biases: oneDNN has one
// per gate, so b_ih + b_hh, except the GRU's candidate gate, whose two biases stay apart (the
// linear-before-reset GRU's extra bias is PyTorch's b_hn); the gradient of a summed bias goes to
// both. Primitives are cached per cell, shape, training flag and thread count. Compiled plans
// (net_plan_rnn.cc) build their forward-inference primitives and packed weights here too (rnn_dnnl.h).
#include <cstring>
#include <vector>

#include "../dnnl_common.h"
#include "rnn.h"
#include "rnn_dnnl.h"

namespace bs {

namespace {

using md = dnnl::memory::desc;
using tag = dnnl::memory::format_tag;
constexpr auto f32 = dnnl::memory::data_type::f32;

// oneDNN's gate g is PyTorch's gate gatePerm(mode)[g]: the GRU's u, r, o are PyTorch's z, r, n.
const int* gatePerm(int mode) {
  static const int identity[4] = {0, 1, 2, 3}, gru[3] = {1, 0, 2};
  return mode == kRnnGru ? gru : identity;
}

// oneDNN's bias gates: the linear-before-reset GRU has a fourth, for h·W_hn.
int64_t biasGates(int mode) { return rnnGates(mode) + (mode == kRnnGru ? 1 : 0); }

struct Descs {
  md src, iter, wl, wi, bias, dst;
};

// srcNtc / dstNtc: the sequence in or out lies batch first, (N, T, C) (oneDNN's ntc).
Descs descsFor(const RnnShape& s, bool srcNtc = false, bool dstNtc = false) {
  const int64_t g = rnnGates(s.mode);
  return {md({s.t, s.n, s.c}, f32, srcNtc ? tag::ntc : tag::tnc),
          md({1, s.d, s.n, s.h}, f32, tag::ldnc),
          md({1, s.d, s.c, g, s.h}, f32, tag::any),
          md({1, s.d, s.h, g, s.h}, f32, tag::any),
          md({1, s.d, biasGates(s.mode), s.h}, f32, tag::ldgo),
          md({s.t, s.n, s.d * s.h}, f32, dstNtc ? tag::ntc : tag::tnc)};
}

// PyTorch's per-direction (G·H, K) weights are oneDNN's ldgoi (1, D, K, G, H) as they lie.
md userWeights(const RnnShape& s, int64_t k) { return md({1, s.d, k, rnnGates(s.mode), s.h}, f32, tag::ldgoi); }

dnnl::rnn_direction directionOf(const RnnShape& s) {
  return s.d == 2 ? dnnl::rnn_direction::bidirectional_concat : dnnl::rnn_direction::unidirectional_left2right;
}

dnnl::algorithm activationOf(const RnnShape& s) {
  return s.mode == kRnnRelu ? dnnl::algorithm::eltwise_relu : dnnl::algorithm::eltwise_tanh;
}

// Forward: md = weights_layer, weights_iter, workspace.
template <class Pd, class Prim>
CachedPrim forwardEntry(const Pd& pd) {
  CachedPrim c;
  c.prim = Prim(pd);
  c.md[0] = pd.weights_layer_desc();
  c.md[1] = pd.weights_iter_desc();
  c.md[2] = pd.workspace_desc();
  return c;
}

CachedPrim buildForward(const RnnShape& s, bool training, bool srcNtc = false, bool dstNtc = false) {
  const Descs d = descsFor(s, srcNtc, dstNtc);
  const auto pk = training ? dnnl::prop_kind::forward_training : dnnl::prop_kind::forward_inference;
  auto& eng = dnnlEngine();
  if (s.mode == kRnnLstm) {
    dnnl::lstm_forward::desc fd(pk, directionOf(s), d.src, d.iter, d.iter, d.wl, d.wi, d.bias, d.dst, d.iter, d.iter);
    return forwardEntry<dnnl::lstm_forward::primitive_desc, dnnl::lstm_forward>({fd, eng});
  }
  if (s.mode == kRnnGru) {
    dnnl::lbr_gru_forward::desc fd(pk, directionOf(s), d.src, d.iter, d.wl, d.wi, d.bias, d.dst, d.iter);
    return forwardEntry<dnnl::lbr_gru_forward::primitive_desc, dnnl::lbr_gru_forward>({fd, eng});
  }
  dnnl::vanilla_rnn_forward::desc fd(pk, activationOf(s), directionOf(s), d.src, d.iter, d.wl, d.wi, d.bias, d.dst, d.iter);
  return forwardEntry<dnnl::vanilla_rnn_forward::primitive_desc, dnnl::vanilla_rnn_forward>({fd, eng});
}

// Backward: md = weights_layer, weights_iter, diff_weights_layer, diff_weights_iter.
template <class Pd, class Prim>
CachedPrim backwardEntry(const Pd& pd) {
  CachedPrim c;
  c.prim = Prim(pd);
  c.md[0] = pd.weights_layer_desc();
  c.md[1] = pd.weights_iter_desc();
  c.md[2] = pd.diff_weights_layer_desc();
  c.md[3] = pd.diff_weights_iter_desc();
  return c;
}

CachedPrim buildBackward(const RnnShape& s) {
  const Descs d = descsFor(s);
  const auto fk = dnnl::prop_kind::forward_training, bk = dnnl::prop_kind::backward;
  const auto dir = directionOf(s);
  auto& eng = dnnlEngine();
  if (s.mode == kRnnLstm) {
    dnnl::lstm_forward::primitive_desc hint({fk, dir, d.src, d.iter, d.iter, d.wl, d.wi, d.bias, d.dst, d.iter, d.iter}, eng);
    dnnl::lstm_backward::desc bd(bk, dir, d.src, d.iter, d.iter, d.wl, d.wi, d.bias, d.dst, d.iter, d.iter, d.src, d.iter,
                                 d.iter, d.wl, d.wi, d.bias, d.dst, d.iter, d.iter);
    return backwardEntry<dnnl::lstm_backward::primitive_desc, dnnl::lstm_backward>({bd, eng, hint});
  }
  if (s.mode == kRnnGru) {
    dnnl::lbr_gru_forward::primitive_desc hint({fk, dir, d.src, d.iter, d.wl, d.wi, d.bias, d.dst, d.iter}, eng);
    dnnl::lbr_gru_backward::desc bd(bk, dir, d.src, d.iter, d.wl, d.wi, d.bias, d.dst, d.iter, d.src, d.iter, d.wl, d.wi,
                                    d.bias, d.dst, d.iter);
    return backwardEntry<dnnl::lbr_gru_backward::primitive_desc, dnnl::lbr_gru_backward>({bd, eng, hint});
  }
  const auto act = activationOf(s);
  dnnl::vanilla_rnn_forward::primitive_desc hint({fk, act, dir, d.src, d.iter, d.wl, d.wi, d.bias, d.dst, d.iter}, eng);
  dnnl::vanilla_rnn_backward::desc bd(bk, act, dir, d.src, d.iter, d.wl, d.wi, d.bias, d.dst, d.iter, d.src, d.iter, d.wl,
                                      d.wi, d.bias, d.dst, d.iter);
  return backwardEntry<dnnl::vanilla_rnn_backward::primitive_desc, dnnl::vanilla_rnn_backward>({bd, eng, hint});
}

PrimKey keyFor(PrimKind kind, const RnnShape& s, bool training) {
  return PrimKey(kind, {s.mode, training ? 1 : 0, s.t, s.n, s.c, s.h, s.d});
}

CachedPrim forwardPrim(const RnnShape& s, bool training) {
  return getPrimitive(keyFor(PrimKind::Rnn, s, training), [&] { return buildForward(s, training); });
}

// Threads by one time step's products: every step is a parallel region of its own with a barrier
// at its end, so below threading.h's kMacsPerThread per step a second thread costs more than it
// saves (a batch-32 step of a 64-wide LSTM, 0.8 M multiply-adds, stays on one).
int threadsForStep(const RnnShape& s) {
  return threadsFor(static_cast<double>(s.d * s.n * rnnGates(s.mode) * s.h * (s.c + s.h)));
}

dnnl::memory mem(const md& d, const void* p) { return dnnl::memory(d, dnnlEngine(), const_cast<void*>(p)); }

// PyTorch's per-direction (G·H, K) weights as oneDNN's ldgoi (1, D, K, G, H) in oneDNN's gate order.
std::vector<float> packWeights(const RnnShape& s, const float* w, int64_t k) {
  const int64_t g = rnnGates(s.mode), block = s.h * k;
  const int* perm = gatePerm(s.mode);
  std::vector<float> out(static_cast<size_t>(s.d * g * block));
  for (int64_t d = 0; d < s.d; d++)
    for (int64_t j = 0; j < g; j++)
      std::memcpy(out.data() + (d * g + j) * block, w + (d * g + perm[j]) * block, sizeof(float) * block);
  return out;
}

// The inverse: ldgoi diff weights back into PyTorch's layout.
void unpackWeights(const RnnShape& s, const std::vector<float>& in, int64_t k, float* w) {
  const int64_t g = rnnGates(s.mode), block = s.h * k;
  const int* perm = gatePerm(s.mode);
  for (int64_t d = 0; d < s.d; d++)
    for (int64_t j = 0; j < g; j++)
      std::memcpy(w + (d * g + perm[j]) * block, in.data() + (d * g + j) * block, sizeof(float) * block);
}

// The weights in the primitive's layout `want` (oneDNN 2.6's forward takes no ldgoi): packed when
// the gates move (GRU), then reordered unless already so.
dnnl::memory weightsFor(const RnnShape& s, const float* w, int64_t k, const md& want, std::vector<float>& packed) {
  if (s.mode == kRnnGru) packed = packWeights(s, w, k);
  dnnl::memory user = mem(userWeights(s, k), s.mode == kRnnGru ? packed.data() : w);
  if (want == user.get_desc()) return user;
  dnnl::memory out(want, dnnlEngine());
  dnnl::reorder(user, out).execute(dnnlStream(), user, out);
  return out;
}

// oneDNN's ldgo bias from b_ih and b_hh (see the header comment).
std::vector<float> packBias(const RnnShape& s, const float* bIh, const float* bHh) {
  const int64_t g = rnnGates(s.mode), gb = biasGates(s.mode), h = s.h;
  const int* perm = gatePerm(s.mode);
  std::vector<float> out(static_cast<size_t>(s.d * gb * h));
  for (int64_t d = 0; d < s.d; d++) {
    for (int64_t j = 0; j < g; j++) {
      const bool apart = s.mode == kRnnGru && j == 2;
      const float* bi = bIh + (d * g + perm[j]) * h;
      const float* bh = bHh + (d * g + perm[j]) * h;
      float* o = out.data() + (d * gb + j) * h;
      for (int64_t i = 0; i < h; i++) o[i] = apart ? bi[i] : bi[i] + bh[i];
      if (apart) std::memcpy(out.data() + (d * gb + 3) * h, bh, sizeof(float) * h);
    }
  }
  return out;
}

void unpackBias(const RnnShape& s, const std::vector<float>& db, float* dbIh, float* dbHh) {
  const int64_t g = rnnGates(s.mode), gb = biasGates(s.mode), h = s.h;
  const int* perm = gatePerm(s.mode);
  for (int64_t d = 0; d < s.d; d++) {
    for (int64_t j = 0; j < g; j++) {
      const float* src = db.data() + (d * gb + j) * h;
      const bool apart = s.mode == kRnnGru && j == 2;
      std::memcpy(dbIh + (d * g + perm[j]) * h, src, sizeof(float) * h);
      std::memcpy(dbHh + (d * g + perm[j]) * h, apart ? db.data() + (d * gb + 3) * h : src, sizeof(float) * h);
    }
  }
}

}  // namespace

RnnInference rnnInference(const RnnShape& s, bool srcNtc, bool dstNtc) {
  CachedPrim c = buildForward(s, false, srcNtc, dstNtc);
  return {c.prim, c.md[0], c.md[1]};
}

dnnl::memory::desc rnnUserWeights(const RnnShape& s, int64_t k) { return userWeights(s, k); }
dnnl::memory::desc rnnBiasDesc(const RnnShape& s) { return descsFor(s).bias; }
dnnl::memory::desc rnnStateDesc(const RnnShape& s) { return descsFor(s).iter; }
std::vector<float> rnnPackWeights(const RnnShape& s, const float* w, int64_t k) { return packWeights(s, w, k); }
std::vector<float> rnnPackBias(const RnnShape& s, const float* bIh, const float* bHh) { return packBias(s, bIh, bHh); }
int rnnThreadsForStep(const RnnShape& s) { return threadsForStep(s); }

int64_t rnnWorkspaceBytes(const RnnShape& s) {
  int64_t bytes = 0;
  withDnnl("recurrent", [&] {
    ThreadScope scope(threadsForStep(s));
    bytes = static_cast<int64_t>(forwardPrim(s, true).md[2].get_size());
  });
  return bytes;
}

void rnnCpu(const RnnParams& p) {
  const RnnShape& s = p.s;
  const Descs d = descsFor(s);
  const bool lstm = s.mode == kRnnLstm, training = p.workspace != nullptr;
  const std::vector<float> zeros(static_cast<size_t>(p.h0 && (p.c0 || !lstm) ? 0 : s.d * s.n * s.h), 0.f);
  withDnnl("recurrent", [&] {
    ThreadScope scope(threadsForStep(s));
    CachedPrim c = forwardPrim(s, training);
    std::vector<float> packedL, packedI, bias = packBias(s, p.bIh, p.bHh);
    std::unordered_map<int, dnnl::memory> args{
        {DNNL_ARG_SRC_LAYER, mem(d.src, p.x)},
        {DNNL_ARG_SRC_ITER, mem(d.iter, p.h0 ? p.h0 : zeros.data())},
        {DNNL_ARG_WEIGHTS_LAYER, weightsFor(s, p.wIh, s.c, c.md[0], packedL)},
        {DNNL_ARG_WEIGHTS_ITER, weightsFor(s, p.wHh, s.h, c.md[1], packedI)},
        {DNNL_ARG_BIAS, mem(d.bias, bias.data())},
        {DNNL_ARG_DST_LAYER, mem(d.dst, p.y)},
        {DNNL_ARG_DST_ITER, mem(d.iter, p.hn)}};
    if (lstm) {
      args.emplace(DNNL_ARG_SRC_ITER_C, mem(d.iter, p.c0 ? p.c0 : zeros.data()));
      args.emplace(DNNL_ARG_DST_ITER_C, mem(d.iter, p.cn));
    }
    if (training) args.emplace(DNNL_ARG_WORKSPACE, mem(c.md[2], p.workspace));
    c.prim.execute(dnnlStream(), args);
    dnnlStream().wait();
  });
}

void rnnBackwardCpu(const RnnBackwardParams& p) {
  const RnnShape& s = p.s;
  const Descs d = descsFor(s);
  const bool lstm = s.mode == kRnnLstm;
  const size_t state = static_cast<size_t>(s.d * s.n * s.h);
  // Zeros for absent begin states and final-state gradients; scratch for unwanted state gradients.
  const std::vector<float> zeros(state, 0.f);
  std::vector<float> scratchH(p.dh0 ? 0 : state), scratchC(lstm && !p.dc0 ? state : 0);
  withDnnl("recurrentBackward", [&] {
    ThreadScope scope(threadsForStep(s));
    CachedPrim c = getPrimitive(keyFor(PrimKind::RnnBackward, s, true), [&] { return buildBackward(s); });
    std::vector<float> packedL, packedI, bias = packBias(s, p.bIh, p.bHh);
    // Zeroed: oneDNN's RNN backward adds into the weight and bias gradients.
    dnnl::memory dwl(c.md[2], dnnlEngine()), dwi(c.md[3], dnnlEngine());
    std::memset(dwl.get_data_handle(), 0, c.md[2].get_size());
    std::memset(dwi.get_data_handle(), 0, c.md[3].get_size());
    std::vector<float> db(static_cast<size_t>(s.d * biasGates(s.mode) * s.h), 0.f);
    std::unordered_map<int, dnnl::memory> args{
        {DNNL_ARG_SRC_LAYER, mem(d.src, p.x)},
        {DNNL_ARG_SRC_ITER, mem(d.iter, p.h0 ? p.h0 : zeros.data())},
        {DNNL_ARG_WEIGHTS_LAYER, weightsFor(s, p.wIh, s.c, c.md[0], packedL)},
        {DNNL_ARG_WEIGHTS_ITER, weightsFor(s, p.wHh, s.h, c.md[1], packedI)},
        {DNNL_ARG_BIAS, mem(d.bias, bias.data())},
        {DNNL_ARG_DST_LAYER, mem(d.dst, p.y)},
        {DNNL_ARG_DST_ITER, mem(d.iter, p.hn)},
        {DNNL_ARG_WORKSPACE, mem(forwardPrim(s, true).md[2], p.workspace)},
        {DNNL_ARG_DIFF_SRC_LAYER, mem(d.src, p.dx)},
        {DNNL_ARG_DIFF_SRC_ITER, mem(d.iter, p.dh0 ? p.dh0 : scratchH.data())},
        {DNNL_ARG_DIFF_WEIGHTS_LAYER, dwl},
        {DNNL_ARG_DIFF_WEIGHTS_ITER, dwi},
        {DNNL_ARG_DIFF_BIAS, mem(d.bias, db.data())},
        {DNNL_ARG_DIFF_DST_LAYER, mem(d.dst, p.dy)},
        {DNNL_ARG_DIFF_DST_ITER, mem(d.iter, p.dhn ? p.dhn : zeros.data())}};
    if (lstm) {
      args.emplace(DNNL_ARG_SRC_ITER_C, mem(d.iter, p.c0 ? p.c0 : zeros.data()));
      args.emplace(DNNL_ARG_DST_ITER_C, mem(d.iter, p.cn));
      args.emplace(DNNL_ARG_DIFF_SRC_ITER_C, mem(d.iter, p.dc0 ? p.dc0 : scratchC.data()));
      args.emplace(DNNL_ARG_DIFF_DST_ITER_C, mem(d.iter, p.dcn ? p.dcn : zeros.data()));
    }
    c.prim.execute(dnnlStream(), args);
    // The gradients back in ldgoi, then in PyTorch's layout and gate order.
    std::vector<float> userL(static_cast<size_t>(s.d * rnnGates(s.mode) * s.h * s.c));
    std::vector<float> userI(static_cast<size_t>(s.d * rnnGates(s.mode) * s.h * s.h));
    dnnl::memory outL = mem(userWeights(s, s.c), userL.data()), outI = mem(userWeights(s, s.h), userI.data());
    dnnl::reorder(dwl, outL).execute(dnnlStream(), dwl, outL);
    dnnl::reorder(dwi, outI).execute(dnnlStream(), dwi, outI);
    dnnlStream().wait();
    unpackWeights(s, userL, s.c, p.dwIh);
    unpackWeights(s, userI, s.h, p.dwHh);
    unpackBias(s, db, p.dbIh, p.dbHh);
  });
}

}  // namespace bs
