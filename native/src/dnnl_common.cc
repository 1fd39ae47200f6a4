#include "dnnl_common.h"

#include <cstdlib>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace bs {

dnnl::engine& dnnlEngine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

dnnl::stream& dnnlStream() {
  thread_local dnnl::stream stream(dnnlEngine());
  return stream;
}

namespace {

// Buffer `slot` of the calling thread, grown to at least `bytes` and kept for the thread's life.
// Slots 0 .. 3: threadMemory's; 4: the scratchpad.
char* threadBuffer(int slot, size_t bytes) {
  constexpr int kSlots = 5;
  struct Kept {
    std::unique_ptr<char, decltype(&std::free)> data{nullptr, &std::free};
    size_t capacity = 0;
  };
  thread_local Kept kept[kSlots];
  Kept& k = kept[slot];
  if (bytes > k.capacity) {
    const size_t rounded = (bytes + 4095) / 4096 * 4096;
    k.data.reset(static_cast<char*>(std::aligned_alloc(64, rounded)));
    if (!k.data) {
      k.capacity = 0;
      fail(code::kOom, "thread buffer: could not allocate %zu bytes", rounded);
    }
    k.capacity = rounded;
  }
  return k.data.get();
}

}  // namespace

dnnl::memory threadScratchpad(size_t bytes) {
  return dnnl::memory(dnnl::memory::desc({static_cast<int64_t>(bytes)}, dnnl::memory::data_type::u8, dnnl::memory::format_tag::a),
                      dnnlEngine(), threadBuffer(4, bytes));
}

dnnl::memory threadMemory(int slot, const dnnl::memory::desc& md) {
  constexpr size_t kKeepBytes = size_t{32} << 20;
  const size_t bytes = md.get_size();
  if (slot < 0 || slot > 3 || bytes > kKeepBytes) return dnnl::memory(md, dnnlEngine());
  return dnnl::memory(md, dnnlEngine(), threadBuffer(slot, bytes));
}

dnnl::memory::desc batchRows(const dnnl::memory::desc& md, int64_t rows) {
  dnnl_memory_desc_t raw = md.data;
  if (raw.format_kind != dnnl_blocked || raw.ndims < 1) return {};
  const int64_t stride = raw.format_desc.blocking.strides[0];
  if (static_cast<int64_t>(md.get_size()) != raw.dims[0] * stride * static_cast<int64_t>(sizeof(float))) return {};
  raw.dims[0] = rows;
  raw.padded_dims[0] = rows;
  return dnnl::memory::desc(raw);
}

bool isRefImpl(const dnnl::primitive_desc_base& pd) { return std::string(pd.impl_info_str()).rfind("ref", 0) == 0; }
bool isGemmImpl(const dnnl::primitive_desc_base& pd) { return std::string(pd.impl_info_str()).find("gemm") != std::string::npos; }

namespace {

struct KeyHash {
  size_t operator()(const PrimKey& k) const {
    uint64_t h = 1469598103934665603ull ^ static_cast<uint64_t>(k.kind) ^ (static_cast<uint64_t>(k.threads) << 8);
    for (int i = 0; i < k.n; i++) h = (h ^ static_cast<uint64_t>(k.v[i])) * 1099511628211ull;
    return static_cast<size_t>(h);
  }
};

constexpr size_t kCapacity = 256;

std::mutex gMutex;
std::list<std::pair<PrimKey, CachedPrim>> gLru;  // most recent first
std::unordered_map<PrimKey, decltype(gLru)::iterator, KeyHash> gIndex;

}  // namespace

CachedPrim getPrimitive(const PrimKey& key, const std::function<CachedPrim()>& make) {
  {
    std::lock_guard<std::mutex> lock(gMutex);
    auto it = gIndex.find(key);
    if (it != gIndex.end()) {
      gLru.splice(gLru.begin(), gLru, it->second);
      return it->second->second;
    }
  }
  // Built outside the lock: creation can take milliseconds (JIT) and another thread may want a
  // different primitive meanwhile. Two threads racing on one key both build; one wins the slot.
  CachedPrim made = make();
  std::lock_guard<std::mutex> lock(gMutex);
  if (gIndex.find(key) == gIndex.end()) {
    gLru.emplace_front(key, made);
    gIndex.emplace(key, gLru.begin());
    if (gLru.size() > kCapacity) {
      gIndex.erase(gLru.back().first);
      gLru.pop_back();
    }
  }
  return made;
}

}  // namespace bs
