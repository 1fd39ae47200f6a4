// The recurrent step of a compiled graph forward (net_plan.h): RNN (tanh / relu), LSTM and GRU
// layers, stacked and in one or both directions, on the same oneDNN forward-inference primitives
// as the eager op (ops/rnn_cpu.cc, ops/rnn_dnnl.h): one primitive per layer, its weights gate-
// reordered and packed into the layout it picks once, here, and its biases summed once. A
// batch-first sequence is read and written in place (oneDNN's ntc layout), so an NTC layer needs
// no transposes. Each layer's primitive is made per thread count (PerThreads) and runs on the
// threads its time step's products are worth at that run (threadsFor), as the eager op does.
//
// Numbers (p): mode (rnn.h RnnMode), hidden, layers, directions, batchFirst, hasH0, hasC0
// Inputs: x (T, N, C) or (N, T, C) by batchFirst [, h0 (layers · D, N, H)] [, c0 (same; LSTM)]
// Buffers: per layer, per direction (forward, then reverse): w_ih (G·H, K), w_hh (G·H, H),
// b_ih (G·H), b_hh (G·H) — the layer's Gluon-ordered parameters (l0_i2h_weight, ...).
// Output: the last layer's sequence, (T, N, D·H) or (N, T, D·H); absent begin states are zeros.
// The final states hn (and cn) (layers · D, N, H), as the eager layer's output ports give them,
// are written to buffers the plan owns; an rnnState step (p: 0 hn, 1 cn; input: the rnn step's
// value) makes one of them a value (a step produces one value).
#include <array>
#include <cstring>
#include <memory>
#include <vector>

#include "buffer.h"
#include "dnnl_common.h"
#include "net_plan.h"
#include "ops/rnn_dnnl.h"

namespace bs {

namespace {

using md = dnnl::memory::desc;
using dims = dnnl::memory::dims;

// A layer's primitive for one thread count, with its weights in the layouts it picked.
struct RnnRun {
  dnnl::primitive prim;
  dnnl::memory wl, wi;
};

// The layer's per-direction parameter buffers stacked as (D, rows, cols) (null: zeros).
std::vector<float> stacked(const NetOp& op, size_t first, size_t dirs, size_t which, int64_t elems, const char* what) {
  std::vector<float> out(static_cast<size_t>(elems) * dirs, 0.f);
  for (size_t d = 0; d < dirs; d++) {
    const size_t i = first + d * 4 + which;
    if (i >= op.bufs.size()) fail(code::kArgs, "netPlan: rnn needs %zu parameter buffers", first + dirs * 4);
    if (!op.bufs[i]) {
      if (which < 2) fail(code::kArgs, "netPlan: rnn %s is missing", what);
      continue;
    }
    if (op.bufs[i]->bytes < static_cast<size_t>(elems) * sizeof(float))
      fail(code::kArgs, "netPlan: rnn %s holds %zu bytes, needs %lld floats", what, op.bufs[i]->bytes, static_cast<long long>(elems));
    std::memcpy(out.data() + d * elems, op.bufs[i]->data, sizeof(float) * elems);
  }
  return out;
}

// Weights in ldgoi kept by the plan, and `want` filled from them (a reorder unless already so).
dnnl::memory packedInto(const md& want, dnnl::memory user, dnnl::memory out) {
  if (want == user.get_desc()) {
    std::memcpy(out.get_data_handle(), user.get_data_handle(), want.get_size());
    return out;
  }
  dnnl::reorder(user, out).execute(dnnlStream(), user, out);
  dnnlStream().wait();
  return out;
}

}  // namespace

void buildRnn(NetBuild& b, const NetOp& op) {
  if (op.p.size() != 7 || op.in.empty()) fail(code::kArgs, "netPlan: rnn takes an input and 7 numbers");
  auto num = [&](size_t i) { return static_cast<int64_t>(op.p[i]); };
  const int mode = static_cast<int>(num(0));
  const int64_t h = num(1), layers = num(2), d = num(3);
  const bool batchFirst = num(4) != 0, hasH0 = num(5) != 0, hasC0 = num(6) != 0;
  if (mode < 0 || mode >= kNumRnnModes || h < 1 || layers < 1 || (d != 1 && d != 2)) fail(code::kArgs, "netPlan: bad rnn numbers");
  if (op.in.size() != 1 + (hasH0 ? 1u : 0u) + (hasC0 ? 1u : 0u) || (hasC0 && mode != kRnnLstm))
    fail(code::kArgs, "netPlan: rnn inputs do not match its begin-state flags");
  const dims xd = b.values.at(op.in[0]).dims;
  if (xd.size() != 3) fail(code::kArgs, "netPlan: rnn expects (T, N, C) or (N, T, C)");
  const int64_t t = batchFirst ? xd[1] : xd[0], n = batchFirst ? xd[0] : xd[1], c = xd[2], g = rnnGates(mode);
  const int64_t layerState = d * n * h;
  const dims stateDims{layers * d, n, h};
  for (size_t k = 1; k < op.in.size(); k++)
    if (b.values.at(op.in[k]).dims != stateDims) fail(code::kArgs, "netPlan: rnn begin state must be (layers · directions, N, hidden)");

  // The begin states (plain, handles read per run: a plan input's is set per run) or zeros; the
  // final states of all layers, plan-owned.
  dnnl::memory h0 = hasH0 ? b.plain(op.in[1]) : dnnl::memory();
  dnnl::memory c0 = hasC0 ? b.plain(op.in[hasH0 ? 2 : 1]) : dnnl::memory();
  const RnnShape s0{mode, t, n, c, h, d};
  dnnl::memory zeros = b.alloc(rnnStateDesc(s0));
  std::memset(zeros.get_data_handle(), 0, zeros.get_desc().get_size());
  dnnl::memory hnAll = b.alloc(plainDesc(stateDims)), cnAll = b.alloc(plainDesc(stateDims));

  dnnl::memory x = b.plain(op.in[0]);
  const dims yd = batchFirst ? dims{n, t, d * h} : dims{t, n, d * h};
  dnnl::memory y = b.activation(plainDesc(yd));
  const md tnc = md({t, n, d * h}, dnnl::memory::data_type::f32, dnnl::memory::format_tag::tnc);
  dnnl::memory between[2];
  for (int k = 0; k < 2 && k + 1 < layers; k++) between[k] = b.activation(tnc);

  for (int64_t l = 0; l < layers; l++) {
    const int64_t k = l == 0 ? c : d * h;
    const RnnShape s{mode, t, n, k, h, d};
    const bool srcNtc = batchFirst && l == 0, dstNtc = batchFirst && l == layers - 1;
    const size_t first = static_cast<size_t>(l * d * 4);
    // PyTorch's weights and biases per direction, stacked, gate-reordered into ldgoi: kept by the
    // plan (a thread count whose primitive picks other layouts packs its own from them).
    auto userL = std::make_shared<std::vector<float>>(rnnPackWeights(s, stacked(op, first, d, 0, g * h * k, "w_ih").data(), k));
    auto userI = std::make_shared<std::vector<float>>(rnnPackWeights(s, stacked(op, first, d, 1, g * h * h, "w_hh").data(), h));
    const std::vector<float> bias = rnnPackBias(s, stacked(op, first, d, 2, g * h, "b_ih").data(), stacked(op, first, d, 3, g * h, "b_hh").data());
    dnnl::memory uL(rnnUserWeights(s, k), dnnlEngine(), userL->data()), uI(rnnUserWeights(s, h), dnnlEngine(), userI->data());
    dnnl::memory bMem = b.alloc(rnnBiasDesc(s));
    std::memcpy(bMem.get_data_handle(), bias.data(), bias.size() * sizeof(float));

    RnnInference base;
    {
      ThreadScope scope(rnnThreadsForStep(s));  // the layouts of the quiet run's primitive
      base = rnnInference(s, srcNtc, dstNtc);
    }
    dnnl::memory wl = packedInto(base.weightsLayer, uL, b.alloc(base.weightsLayer));
    dnnl::memory wi = packedInto(base.weightsIter, uI, b.alloc(base.weightsIter));
    PerThreads<RnnRun> runs([=]() {
      RnnInference r = rnnInference(s, srcNtc, dstNtc);
      const bool same = r.weightsLayer == base.weightsLayer && r.weightsIter == base.weightsIter;
      if (same) return RnnRun{r.prim, wl, wi};
      dnnl::memory ul(rnnUserWeights(s, k), dnnlEngine(), userL->data()), ui(rnnUserWeights(s, h), dnnlEngine(), userI->data());
      return RnnRun{r.prim, packedInto(r.weightsLayer, ul, dnnl::memory(r.weightsLayer, dnnlEngine())),
                    packedInto(r.weightsIter, ui, dnnl::memory(r.weightsIter, dnnlEngine()))};
    });

    // Layer l reads x or the previous layer's output and writes y or a buffer between layers.
    const md src({t, n, k}, dnnl::memory::data_type::f32, srcNtc ? dnnl::memory::format_tag::ntc : dnnl::memory::format_tag::tnc);
    const md dst({t, n, d * h}, dnnl::memory::data_type::f32, dstNtc ? dnnl::memory::format_tag::ntc : dnnl::memory::format_tag::tnc);
    dnnl::memory in = l == 0 ? x : between[(l - 1) % 2], out = l == layers - 1 ? y : between[l % 2];
    dnnl::memory srcView(src, dnnlEngine(), DNNL_MEMORY_NONE), dstView(dst, dnnlEngine(), DNNL_MEMORY_NONE);
    dnnl::memory hView(rnnStateDesc(s), dnnlEngine(), DNNL_MEMORY_NONE), cView(rnnStateDesc(s), dnnlEngine(), DNNL_MEMORY_NONE);
    const bool lstm = mode == kRnnLstm;
    const size_t offset = static_cast<size_t>(l * layerState) * sizeof(float);
    // Layer l's final states are rows l·D .. (l + 1)·D of hn / cn (torch's index layer · D + direction).
    dnnl::memory hn(rnnStateDesc(s), dnnlEngine(), static_cast<char*>(hnAll.get_data_handle()) + offset);
    dnnl::memory cn(rnnStateDesc(s), dnnlEngine(), static_cast<char*>(cnAll.get_data_handle()) + offset);
    // The views hn / cn hold no reference to the buffers they point into: the action keeps them alive.
    b.actions.push_back([=, keep = std::array<dnnl::memory, 2>{hnAll, cnAll}]() mutable {
      srcView.set_data_handle(in.get_data_handle());
      dstView.set_data_handle(out.get_data_handle());
      hView.set_data_handle(hasH0 ? static_cast<char*>(h0.get_data_handle()) + offset : zeros.get_data_handle());
      cView.set_data_handle(hasC0 ? static_cast<char*>(c0.get_data_handle()) + offset : zeros.get_data_handle());
      const int threads = rnnThreadsForStep(s);
      ThreadScope scope(threads);
      RnnRun& r = runs.get(threads);
      std::unordered_map<int, dnnl::memory> args{{DNNL_ARG_SRC_LAYER, srcView}, {DNNL_ARG_SRC_ITER, hView},  {DNNL_ARG_WEIGHTS_LAYER, r.wl},
                                                 {DNNL_ARG_WEIGHTS_ITER, r.wi}, {DNNL_ARG_BIAS, bMem},      {DNNL_ARG_DST_LAYER, dstView},
                                                 {DNNL_ARG_DST_ITER, hn}};
      if (lstm) {
        args.emplace(DNNL_ARG_SRC_ITER_C, cView);
        args.emplace(DNNL_ARG_DST_ITER_C, cn);
      }
      r.prim.execute(dnnlStream(), args);
    });
  }
  b.finalStates[static_cast<int>(b.values.size())] = {hnAll, cnAll};
  b.add(yd, y);
}

void buildRnnState(NetBuild& b, const NetOp& op) {
  if (op.in.size() != 1 || op.p.size() != 1) fail(code::kArgs, "netPlan: rnnState takes the rnn step's value and 1 number");
  auto found = b.finalStates.find(op.in[0]);
  if (found == b.finalStates.end()) fail(code::kArgs, "netPlan: rnnState reads value %d, which no rnn step made", op.in[0]);
  const int which = static_cast<int>(op.p[0]);
  if (which != 0 && which != 1) fail(code::kArgs, "netPlan: rnnState takes 0 (hn) or 1 (cn), got %d", which);
  const dnnl::memory m = found->second[static_cast<size_t>(which)];
  b.add(m.get_desc().dims(), m);  // plan-owned: it outlives the rnn step's sequence
}

}  // namespace bs
