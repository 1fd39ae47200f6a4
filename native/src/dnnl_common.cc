#include "dnnl_common.h"

#include <list>
#include <mutex>
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
