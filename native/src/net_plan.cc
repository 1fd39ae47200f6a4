// The memory plan, layout conversions and run loop of compiled graph forwards (net_plan.h).
#include "net_plan.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "buffer.h"
#include "dnnl_common.h"
#include "errors.h"
#include "parallel.h"

namespace bs {

dnnl::memory::desc plainDesc(const dnnl::memory::dims& dims) {
  using tag = dnnl::memory::format_tag;
  static const tag tags[] = {tag::a, tag::ab, tag::abc, tag::abcd, tag::abcde, tag::abcdef};
  if (dims.empty() || dims.size() > 6) fail(code::kArgs, "netPlan: values have 1 to 6 dims, got %zu", dims.size());
  return dnnl::memory::desc(dims, dnnl::memory::data_type::f32, tags[dims.size() - 1]);
}

std::function<void()> reorderAction(dnnl::memory src, dnnl::memory dst) {
  const double elems = static_cast<double>(dst.get_desc().get_size() / sizeof(float));
  if (src.get_desc() == dst.get_desc()) {
    // A copy within one layout (a residual into the output a sum post-op adds to): oneDNN 2.6
    // runs that as its generic `simple:any` reorder; a split memcpy is the same bytes, faster.
    const size_t bytes = dst.get_desc().get_size();
    return [src, dst, bytes, elems]() mutable {
      dnnlStream().wait();
      const char* from = static_cast<const char*>(src.get_data_handle());
      char* to = static_cast<char*>(dst.get_data_handle());
      const int parts = threadsFor(elems, kElemsPerThread);
      const size_t per = (bytes / parts + 63) / 64 * 64;
      ThreadScope s(parts);
      parallelFor(parts, parts > 1, [&](int64_t k) {
        const size_t at = static_cast<size_t>(k) * per;
        if (at < bytes) std::memcpy(to + at, from + at, std::min(per, bytes - at));
      });
    };
  }
  PerThreads<dnnl::reorder> r([src, dst] { return dnnl::reorder(src, dst); });
  r.get(threadsFor(elems, kElemsPerThread));  // created now, so a bad pair of layouts fails the build
  return [r, src, dst, elems]() mutable {
    const int t = threadsFor(elems, kElemsPerThread);
    ThreadScope s(t);  // a reorder sizes its team when it runs
    r.get(t).execute(dnnlStream(), src, dst);
  };
}

dnnl::memory NetBuild::alloc(const dnnl::memory::desc& md) {
  bytes_ += md.get_size();
  return dnnl::memory(md, dnnlEngine());  // oneDNN allocates (aligned) and owns it
}

dnnl::memory NetBuild::activation(const dnnl::memory::desc& md) {
  const size_t need = md.get_size();
  size_t best = free_.size();
  for (size_t i = 0; i < free_.size(); i++)
    if (free_[i].bytes >= need && (best == free_.size() || free_[i].bytes < free_[best].bytes)) best = i;
  NetSlot slot;
  if (best < free_.size()) {
    slot = free_[best];
    free_.erase(free_.begin() + static_cast<long>(best));
  } else {
    const size_t bytes = (need + 63) / 64 * 64;
    void* p = std::aligned_alloc(64, bytes > 0 ? bytes : 64);
    if (!p) fail(code::kOom, "netPlan: could not allocate %zu bytes", bytes);
    slot = NetSlot{std::shared_ptr<void>(p, std::free), bytes};
    owned_.push_back(slot.data);
    bytes_ += bytes;
  }
  current_.push_back(slot);
  return dnnl::memory(md, dnnlEngine(), slot.data.get());
}

void NetBuild::release(std::vector<NetSlot>& slots) {
  for (auto& s : slots) free_.push_back(s);
  slots.clear();
}

bool NetBuild::takeOver(int v) {
  if (!lastUse_ || !slots_ || v < static_cast<int>(inputs) || static_cast<size_t>(v) >= values.size() || (*lastUse_)[v] != step_)
    return false;
  std::vector<NetSlot>& own = (*slots_)[v];
  const void* handle = values[v].mem.get_data_handle();
  for (size_t i = 0; i < own.size(); i++)
    if (own[i].data.get() == handle) {
      current_.push_back(own[i]);
      own.erase(own.begin() + static_cast<long>(i));
      return true;
    }
  return false;
}

dnnl::memory NetBuild::as(int v, const dnnl::memory::desc& want) {
  if (v < 0 || static_cast<size_t>(v) >= values.size()) fail(code::kArgs, "netPlan: value %d is not defined yet", v);
  dnnl::memory src = values[v].mem;
  if (src.get_desc() == want) return src;
  dnnl::memory dst = activation(want);
  actions.push_back(reorderAction(src, dst));
  return dst;
}

dnnl::memory NetBuild::plain(int v) {
  if (v < 0 || static_cast<size_t>(v) >= values.size()) fail(code::kArgs, "netPlan: value %d is not defined yet", v);
  return as(v, plainDesc(values[v].dims));
}

NetPlan::NetPlan(const std::vector<dnnl::memory::dims>& inputs, const std::vector<NetOp>& ops, const std::vector<int>& outputs)
    : inputs_(inputs.size()), outputs_(outputs) {
  // Each step creates and runs its primitive on threadsFor(its work) threads (threading.h): a
  // batch-1 step stays on the calling thread, a big one takes the free cores.
  threads_ = threadBudget();
  withDnnl("netPlan", [&] {
    for (const auto& d : inputs) values_.push_back({d, dnnl::memory(plainDesc(d), dnnlEngine(), DNNL_MEMORY_NONE)});
    NetBuild b(values_, actions_, bytes_, owned_, inputs_);
    // The step after which each value is dead: its last reader, or never for an output; a reshape
    // shares its input's buffer, so that lives as long as the reshaped value.
    const size_t n = inputs_ + ops.size(), never = ops.size();
    std::vector<size_t> lastUse(n, 0);
    for (size_t j = 0; j < ops.size(); j++) {
      lastUse[inputs_ + j] = j;
      for (int v : ops[j].in)
        if (v >= 0 && static_cast<size_t>(v) < n) lastUse[v] = std::max(lastUse[v], j);
    }
    for (int v : outputs_)
      if (v >= 0 && static_cast<size_t>(v) < n) lastUse[v] = never;
    for (size_t j = ops.size(); j-- > 0;)
      if (ops[j].kind == kNetReshape && !ops[j].in.empty()) lastUse[ops[j].in[0]] = std::max(lastUse[ops[j].in[0]], lastUse[inputs_ + j]);
    std::vector<std::vector<NetSlot>> slots(n);
    b.track(&lastUse, &slots);
    for (size_t j = 0; j < ops.size(); j++) {
      const NetOp& op = ops[j];
      b.atStep(j);
      for (const auto& s : op.bufs)
        if (s) keep_.push_back(s);
      const size_t before = values_.size();
      buildNetOp(b, op);
      if (values_.size() != before + 1) fail(code::kArgs, "netPlan: op kind %d made no value", op.kind);
      slots[inputs_ + j] = b.takeSlots();
      for (size_t v = inputs_; v <= inputs_ + j; v++)
        if (lastUse[v] == j) b.release(slots[v]);
    }
    for (int v : outputs_) {
      if (v < 0 || static_cast<size_t>(v) >= values_.size()) fail(code::kArgs, "netPlan: output value %d is not defined", v);
      dnnl::memory src = values_[v].mem;
      dnnl::memory dst(plainDesc(values_[v].dims), dnnlEngine(), DNNL_MEMORY_NONE);
      outMem_.push_back(dst);
      actions_.push_back(reorderAction(src, dst));
    }
  });
}

void NetPlan::run(const std::vector<const void*>& in, const std::vector<void*>& out) {
  if (in.size() != inputs_ || out.size() != outputs_.size()) fail(code::kArgs, "netPlan: wrong number of inputs or outputs");
  withDnnl("netPlanRun", [&] {
    for (size_t i = 0; i < inputs_; i++) values_[i].mem.set_data_handle(const_cast<void*>(in[i]));
    for (size_t j = 0; j < out.size(); j++) outMem_[j].set_data_handle(out[j]);
    for (auto& a : actions_) a();
    dnnlStream().wait();
  });
  runs_++;
}

}  // namespace bs
