// Builds and runs a GPU plan (gpu_plan.h): the memory plan (a pool of device buffers shared by
// values whose lifetimes do not overlap), the fusion of consecutive elementwise steps into one
// kernel, the Dense, activation, reshape and merge steps, and the run loop that queues the
// launches. Convolutions, pooling and batch norm are in gpu_plan_conv.cc, the norms and softmax
// in gpu_plan_rows.cc, embedding, positions and attention in gpu_plan_seq.cc, recurrent layers in gpu_plan_rnn.cc, the layout steps in
// gpu_plan_shape.cc. Plain C++: the kernels are behind gpuPlanGemm / gpuPlanElementwise /
// gpuPlanSeq / ... (cuda/gpu_plan.cu, cuda/gpu_plan_seq.cu, or cuda_stub.cc).
//
// Safety of the pool: every launch goes to one stream, so a buffer freed here and handed to a
// later step is written only after the earlier steps that read it have run. A fused kernel may
// write into a buffer it also reads at the same index (each element reads only its own index
// before writing it); a convolution or pooling reads a window, so its input stays pinned (not
// handed to its output) until its kernel is emitted.
#include "gpu_plan.h"

#include "backend.h"
#include "buffer.h"
#include "errors.h"
#include "gpu_plan_build.h"
#include "ops/unary.h"

namespace bs {

int64_t gpuPlanCount(const std::vector<int64_t>& d) {
  int64_t n = 1;
  for (int64_t v : d) n *= v;
  return n;
}

double gpuPlanNum(const NetOp& op, size_t i, size_t j) {
  if (i >= op.p.size()) fail(code::kArgs, "gpuPlan: op %zu needs at least %zu numbers", j, i + 1);
  return op.p[i];
}

namespace {
const auto count = gpuPlanCount;
const auto num = gpuPlanNum;
}  // namespace

GpuPlanBuilder::GpuPlanBuilder(GpuPlan& plan, size_t values)
    : P(plan), left_(values, 0), slot_(values, Slot{-1, 0}), taken_(plan.outputs_.size(), false) {}

void GpuPlanBuilder::build(const std::vector<NetOp>& ops) {
  for (const NetOp& op : ops)
    for (int v : op.in) left_[v]++;
  for (int v : P.outputs_) left_[v]++;  // the final copy (or the caller) reads it
  for (size_t i = 0; i < P.numInputs_; i++) slot_[i] = Slot{0, static_cast<int>(i)};
  for (size_t j = 0; j < ops.size(); j++) step(ops[j], j, static_cast<int>(P.numInputs_ + j));
  flush();
  for (size_t j = 0; j < P.outputs_.size(); j++) {
    const int o = P.outputs_[j];
    const Slot s = slot_[o];
    if (s.kind == 1 && s.index == static_cast<int>(j)) continue;  // written in place by its producer
    Step c;
    c.kind = 2;
    c.a = s;
    c.dst = Slot{1, static_cast<int>(j)};
    c.out = count(P.dims_[o]) * static_cast<int64_t>(sizeof(float));
    P.steps_.push_back(c);
  }
}

bool GpuPlanBuilder::isOutput(int v) const {
  for (int o : P.outputs_)
    if (o == v) return true;
  return false;
}

// A buffer for `bytes` from the pool (the smallest free one that fits), or a new allocation.
GpuPlan::Slot GpuPlanBuilder::alloc(int64_t bytes) {
  const size_t need = static_cast<size_t>(bytes > 4 ? bytes : 4);
  int best = -1;
  for (size_t i = 0; i < free_.size(); i++) {
    const size_t have = P.owned_[free_[i]]->bytes;
    if (have >= need && (best < 0 || have < P.owned_[free_[best]]->bytes)) best = static_cast<int>(i);
  }
  if (best >= 0) {
    const int idx = free_[best];
    free_.erase(free_.begin() + best);
    return Slot{2, idx};
  }
  P.owned_.push_back(allocateStorage(Device{DeviceType::Gpu, P.device_}, need));
  P.bytes_ += need;
  live_.push_back(0);
  return Slot{2, static_cast<int>(P.owned_.size() - 1)};
}

// Where value v is written: the caller's output buffer when v is an output, else the pool.
GpuPlan::Slot GpuPlanBuilder::take(int v) {
  for (size_t j = 0; j < P.outputs_.size(); j++)
    if (P.outputs_[j] == v && !taken_[j]) {
      taken_[j] = true;
      return Slot{1, static_cast<int>(j)};
    }
  return alloc(count(P.dims_[v]) * static_cast<int64_t>(sizeof(float)));
}

void GpuPlanBuilder::hold(Slot s) {
  if (s.kind == 2) live_[s.index]++;
}
void GpuPlanBuilder::unhold(Slot s) {
  if (s.kind == 2 && --live_[s.index] == 0) free_.push_back(s.index);
}
void GpuPlanBuilder::assign(int v, Slot s) {
  slot_[v] = s;
  hold(s);
  if (left_[v] == 0) unhold(s);  // never read
}
// One reader of v was built: its buffer returns to the pool after the last.
void GpuPlanBuilder::read(int v) {
  if (--left_[v] == 0 && slot_[v].kind >= 0) unhold(slot_[v]);
}

bool GpuPlanBuilder::fusable(int v) const { return pending_ && chainValue_ == v && left_[v] == 1 && !isOutput(v); }

// Emits the pending kernel; its value gets its buffer now (one a read of the kernel may share,
// but never the pinned input of a convolution or pooling).
void GpuPlanBuilder::flush() {
  if (!pending_) return;
  pending_ = false;
  chain_.dst = take(chainValue_);
  P.steps_.push_back(chain_);
  assign(chainValue_, chain_.dst);
  if (pin_.kind >= 0) unhold(pin_);
  pin_ = Slot{-1, 0};
}

// A new kernel reading value x (in memory: any kernel computing it is emitted first).
void GpuPlanBuilder::start(int x) {
  flush();
  chain_ = Step{};
  chain_.kind = 1;
  chain_.a = slot_[x];
  chain_.e.n = count(P.dims_[x]);
  pending_ = true;
  chainValue_ = x;
}

void GpuPlanBuilder::startSource(const GpuEwStep& e, int x, int v) {
  flush();
  chain_ = Step{};
  chain_.kind = 1;
  chain_.a = slot_[x];
  chain_.e = e;
  chain_.e.n = count(P.dims_[v]);
  pending_ = true;
  chainValue_ = v;
  pin_ = slot_[x];
  hold(pin_);
  read(x);
}

// Appends instructions computing value v; a full kernel is emitted and a new one continues it.
void GpuPlanBuilder::extend(int v, std::initializer_list<std::pair<GpuEwInstr, Slot>> ins) {
  if (chain_.e.count + static_cast<int>(ins.size()) > kGpuEwMax) {
    const int cur = chainValue_;
    left_[cur]++;  // the continuing kernel reads it
    flush();
    start(cur);
    read(cur);
  }
  for (const auto& [instr, other] : ins) {
    chain_.e.ins[chain_.e.count] = instr;
    chain_.other[chain_.e.count] = other;
    chain_.e.count++;
  }
  chainValue_ = v;
}

GpuEwInstr GpuPlanBuilder::act(int a, double alpha) {
  if (a < 0 || a >= kNumUnaryOps) fail(code::kArgs, "gpuPlan: activation %d is not a unary op", a);
  GpuEwInstr i;
  i.op = kEwAct;
  i.act = a;
  i.alpha = static_cast<float>(alpha);
  return i;
}

const float* GpuPlanBuilder::param(const NetOp& op, size_t j, size_t k, int64_t elems, const char* what, bool prefix) {
  if (k >= op.bufs.size() || !op.bufs[k]) return nullptr;
  const auto& s = op.bufs[k];
  const size_t need = static_cast<size_t>(elems) * sizeof(float);
  if (prefix ? s->bytes < need : s->bytes != need)
    fail(code::kArgs, "gpuPlan: op %zu: %s has %zu bytes, expected %lld float32", j, what, s->bytes, static_cast<long long>(elems));
  P.keep_.push_back(s);
  return static_cast<const float*>(s->data);
}

float* GpuPlanBuilder::own(int64_t elems) {
  const size_t bytes = static_cast<size_t>(elems > 1 ? elems : 1) * sizeof(float);
  P.folded_.push_back(allocateStorage(Device{DeviceType::Gpu, P.device_}, bytes));
  P.bytes_ += bytes;
  return static_cast<float*>(P.folded_.back()->data);
}

void GpuPlanBuilder::step(const NetOp& op, size_t j, int v) {
  const auto in = [&](size_t k) {
    if (k >= op.in.size()) fail(code::kArgs, "gpuPlan: op %zu needs %zu inputs", j, k + 1);
    return op.in[k];
  };
  switch (op.kind) {
    case kNetLinear: return linear(op, j, v, in(0));
    case kNetConv: return conv(op, j, v);
    case kNetPool: return pool(op, j, v, in(0));
    case kNetBatchNorm: return batchNorm(op, j, v, in(0));
    case kNetLayerNorm: return layerNorm(op, j, v, in(0));
    case kNetSoftmax: return softmax(op, j, v, in(0));
    case kNetGroupNorm: return groupNorm(op, j, v, in(0));
    case kNetDeconv: return deconv(op, j, v, in(0));
    case kNetEmbed: return embed(op, j, v, in(0));
    case kNetTableAdd: return tableAdd(op, j, v, in(0));
    case kNetAttention: return attention(op, j, v);
    case kNetRnn: return rnn(op, j, v);
    case kNetRnnState: return rnnState(op, j, v);
    case kNetTranspose: return transpose(op, j, v, in(0));
    case kNetSlice: return slice(op, j, v, in(0));
    case kNetConcat: return concat(op, j, v);
    case kNetAxisReduce: return axisReduce(op, j, v, in(0));
    case kNetPad: return pad(op, j, v, in(0));
    case kNetPointwise: return pointwise(op, j, v, in(0));
    case kNetAct: return elementwise(v, in(0), act(static_cast<int>(num(op, 0, j)), op.p.size() > 1 ? op.p[1] : 0));
    case kNetAdd: return merge(op, j, v, in(0), in(1));
    case kNetReshape: {
      const int x = in(0);
      std::vector<int64_t> nd;
      for (double d : op.p) nd.push_back(static_cast<int64_t>(d));
      if (count(nd) != count(P.dims_[x])) fail(code::kArgs, "gpuPlan: op %zu: reshape changes the element count", j);
      P.dims_.push_back(nd);
      if (fusable(x)) {  // a new name for the value the pending kernel computes
        read(x);
        chainValue_ = v;
        return;
      }
      if (pending_ && chainValue_ == x) flush();
      assign(v, slot_[x]);  // the same buffer
      read(x);
      return;
    }
    default:
      fail(code::kArgs,
           "gpuPlan: op %zu (kind %d) has no GPU step",
           j, op.kind);
  }
}

void GpuPlanBuilder::elementwise(int v, int x, const GpuEwInstr& i) {
  P.dims_.push_back(P.dims_[x]);
  if (!fusable(x)) start(x);
  read(x);
  extend(v, {{i, Slot{}}});
}

// x · wᵀ into a new buffer, then bias and activation in one elementwise kernel (which later
// elementwise steps may join) — or straight into v's buffer when there is neither.
void GpuPlanBuilder::linear(const NetOp& op, size_t j, int v, int x) {
  const std::vector<int64_t>& xd = P.dims_[x];
  const int64_t units = static_cast<int64_t>(num(op, 0, j));
  const int a = static_cast<int>(num(op, 1, j));
  const bool flatten = num(op, 2, j) != 0;
  if (xd.size() < 2) fail(code::kArgs, "gpuPlan: op %zu: linear needs an input of 2 or more dims", j);
  const size_t lead = flatten ? 1 : xd.size() - 1;
  int64_t rows = 1, inUnits = 1;
  for (size_t i = 0; i < xd.size(); i++) (i < lead ? rows : inUnits) *= xd[i];
  const float* w = param(op, j, 0, units * inUnits, "linear weight");
  if (!w) fail(code::kArgs, "gpuPlan: op %zu: linear needs a weight", j);
  const float* bias = param(op, j, 1, units, "linear bias");
  std::vector<int64_t> yd(xd.begin(), xd.begin() + static_cast<long>(lead));
  yd.push_back(units);
  P.dims_.push_back(yd);
  flush();  // x in memory, and every freed buffer's last reader queued before the GEMM
  const bool epilogue = bias != nullptr || a >= 0;
  Step g;
  g.kind = 0;
  g.a = slot_[x];
  g.w = w;
  g.rows = rows;
  g.in = inUnits;
  g.out = units;
  g.dst = epilogue ? alloc(rows * units * static_cast<int64_t>(sizeof(float))) : take(v);
  P.steps_.push_back(g);
  read(x);
  if (!epilogue) return assign(v, g.dst);
  // The product's buffer is read only by the epilogue, which may write its result in place.
  chain_ = Step{};
  chain_.kind = 1;
  chain_.a = g.dst;
  chain_.e.n = rows * units;
  pending_ = true;
  chainValue_ = v;
  hold(g.dst);
  unhold(g.dst);
  if (bias) {
    GpuEwInstr b;
    b.op = kEwBias;
    b.other = bias;
    b.cols = units;
    chain_.e.ins[chain_.e.count++] = b;
  }
  if (a >= 0) chain_.e.ins[chain_.e.count++] = act(a, 0);
}

// a + b or a · b, then the fused activation; joins the pending kernel when it computes an operand.
void GpuPlanBuilder::merge(const NetOp& op, size_t j, int v, int a, int b) {
  if (P.dims_[a] != P.dims_[b]) fail(code::kArgs, "gpuPlan: op %zu: add needs equal dims", j);
  P.dims_.push_back(P.dims_[a]);
  const int ac = static_cast<int>(num(op, 0, j));
  GpuEwInstr m;
  m.op = op.p.size() > 1 && op.p[1] != 0 ? kEwMul : kEwAdd;  // both commute exactly in IEEE arithmetic
  int first = a, second = b;
  if (!fusable(a) && fusable(b)) std::swap(first, second);
  if (!fusable(first)) start(first);
  read(first);
  if (ac >= 0)
    extend(v, {{m, slot_[second]}, {act(ac, 0), Slot{}}});
  else
    extend(v, {{m, slot_[second]}});
  read(second);
}

GpuPlan::GpuPlan(int device, const std::vector<std::vector<int64_t>>& inputs, const std::vector<NetOp>& ops,
                 const std::vector<int>& outputs)
    : device_(device), numInputs_(inputs.size()), outputs_(outputs), dims_(inputs) {
  if (!cudaCompiled()) fail(code::kNoCuda, "gpuPlan: %s", cudaUnavailableReason());
  const int n = cudaBackend().deviceCount();
  if (n == 0) fail(code::kNoCuda, "gpuPlan: %s", cudaUnavailableReason());
  if (device < 0 || device >= n) fail(code::kNoCuda, "gpuPlan: gpu(%d) does not exist; this machine has %d GPU(s)", device, n);
  GpuPlanBuilder(*this, inputs.size() + ops.size()).build(ops);
}

void GpuPlan::run(const std::vector<const void*>& in, const std::vector<void*>& out) {
  const auto ptr = [&](Slot s) -> void* {
    if (s.kind == 0) return const_cast<void*>(in[s.index]);
    if (s.kind == 1) return out[s.index];
    return owned_[s.index]->data;
  };
  for (const Step& s : steps_) {
    if (s.kind == 0) {
      gpuPlanGemm(MatmulParams{DType::F32, static_cast<const float*>(ptr(s.a)) + s.aOff, s.w, ptr(s.dst), 1, s.rows, s.out, s.in, false, true, 0, 0});
    } else if (s.kind == 1) {
      GpuEwStep e = s.e;
      e.src = static_cast<const float*>(ptr(s.a));
      e.dst = static_cast<float*>(ptr(s.dst));
      for (int k = 0; k < e.count; k++)
        if (e.ins[k].op == kEwAdd || e.ins[k].op == kEwMul) e.ins[k].other = static_cast<const float*>(ptr(s.other[k]));
      gpuPlanElementwise(e);
    } else if (s.kind == 3) {
      LayerNormParams p = s.ln;
      p.x = ptr(s.a);
      p.y = ptr(s.dst);
      p.saveMean = ptr(s.scratch);
      p.saveVar = static_cast<float*>(p.saveMean) + p.outer;
      gpuPlanLayerNorm(p);
    } else if (s.kind == 4) {
      SoftmaxParams p = s.sm;
      p.x = ptr(s.a);
      p.out = ptr(s.dst);
      gpuPlanSoftmax(p);
    } else if (s.kind == 5) {
      GpuSeqStep q = s.q;
      q.x = static_cast<const float*>(ptr(s.a));
      if (s.b.kind >= 0) q.k = static_cast<const float*>(ptr(s.b));
      if (s.c.kind >= 0) q.mask = static_cast<const float*>(ptr(s.c));
      q.y = static_cast<float*>(ptr(s.dst));
      gpuPlanSeq(q);
    } else if (s.kind == 7) {
      const auto at = [&](Slot sl, int64_t off) { return sl.kind < 0 ? nullptr : static_cast<float*>(ptr(sl)) + off; };
      GpuRnnStep r = s.r;
      r.xi = at(s.a, r.xiOff);
      r.gh = at(s.b, 0);
      r.hp = at(s.c, r.hpOff);
      r.cp = at(s.other[0], r.cpOff);
      r.h = at(s.scratch, r.hOff);
      r.c = at(s.other[1], r.cOff);
      r.y = at(s.dst, r.yOff);
      r.base = ptr(s.scratch);
      gpuPlanRnn(r);
    } else if (s.kind == 6) {
      PadParams p = s.pad;
      p.x = ptr(s.a);
      p.out = ptr(s.dst);
      gpuPlanPad(p);
    } else {
      gpuPlanCopy(ptr(s.dst), ptr(s.a), static_cast<size_t>(s.out));
    }
  }
  runs_++;
}

}  // namespace bs
