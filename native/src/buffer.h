// Storage owned by the addon. JS holds a BufferHandle inside a napi External; the handle holds a
// shared_ptr to the Storage, and async workers take their own shared_ptr, so memory outlives a
// dispose() or a GC until the last kernel using it has finished.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>

#include "backend.h"

namespace bs {

struct Storage {
  Device device;
  void* data = nullptr;
  size_t bytes = 0;
  Storage(Device d, void* p, size_t n) : device(d), data(p), bytes(n) {}
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;
  ~Storage();
};

// Reserves `bytes` against the budget, then allocates; throws E_OUT_OF_MEMORY / E_NO_CUDA before
// anything is allocated when it cannot succeed.
std::shared_ptr<Storage> allocateStorage(Device device, size_t bytes);

struct MemoryStats {
  uint64_t liveBytes, liveBuffers, peakBytes, budgetBytes;
  uint64_t allocations;  // buffers allocated since the addon loaded, per device kind
  uint64_t gpuAllocations;
};
MemoryStats memoryStats();
void setMemoryBudget(uint64_t bytes);

struct BufferHandle {
  static constexpr uint64_t kMagic = 0x42534d4e42554631ull;  // "BSMNBUF1"
  uint64_t magic = kMagic;
  std::shared_ptr<Storage> storage;  // null once disposed
  Device device;
  size_t bytes;
};

}  // namespace bs
