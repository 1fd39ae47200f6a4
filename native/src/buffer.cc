#include "buffer.h"

#include <unistd.h>

#include <atomic>

#include "errors.h"

namespace bs {

namespace {

uint64_t defaultBudget() {
  long pages = sysconf(_SC_PHYS_PAGES), pageSize = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || pageSize <= 0) return uint64_t(1) << 34;  // 16 GiB if the OS will not say
  return static_cast<uint64_t>(static_cast<double>(pages) * static_cast<double>(pageSize) * 0.9);
}

std::atomic<uint64_t> gLiveBytes{0}, gLiveBuffers{0}, gPeakBytes{0}, gAllocations{0}, gGpuAllocations{0};
std::atomic<uint64_t> gBudget{defaultBudget()};

void notePeak(uint64_t live) {
  uint64_t peak = gPeakBytes.load(std::memory_order_relaxed);
  while (live > peak && !gPeakBytes.compare_exchange_weak(peak, live, std::memory_order_relaxed)) {
  }
}

}  // namespace

std::shared_ptr<Storage> allocateStorage(Device device, size_t bytes) {
  Backend& backend = backendFor(device.type);
  if (device.type != DeviceType::Cpu && device.id >= backend.deviceCount()) {
    if (backend.deviceCount() == 0) backend.allocate(device.id, bytes);  // throws the stub's reason
    fail(code::kNoCuda, "alloc: gpu(%d) does not exist; this machine has %d GPU(s)", device.id,
         backend.deviceCount());
  }
  const uint64_t budget = gBudget.load(std::memory_order_relaxed);
  const uint64_t live = gLiveBytes.fetch_add(bytes, std::memory_order_relaxed) + bytes;
  if (live > budget || live < bytes) {
    gLiveBytes.fetch_sub(bytes, std::memory_order_relaxed);
    fail(code::kOom,
         "alloc: %zu bytes would bring live memory to %llu bytes, over the budget of %llu bytes "
         "(dispose unused arrays or raise it with setMemoryBudget)",
         bytes, static_cast<unsigned long long>(live), static_cast<unsigned long long>(budget));
  }
  void* p = nullptr;
  try {
    p = backend.allocate(device.id, bytes);
  } catch (...) {
    gLiveBytes.fetch_sub(bytes, std::memory_order_relaxed);
    throw;
  }
  gLiveBuffers.fetch_add(1, std::memory_order_relaxed);
  gAllocations.fetch_add(1, std::memory_order_relaxed);
  if (device.type == DeviceType::Gpu) gGpuAllocations.fetch_add(1, std::memory_order_relaxed);
  notePeak(live);
  return std::make_shared<Storage>(device, p, bytes);
}

Storage::~Storage() {
  backendFor(device.type).release(device.id, data, bytes);
  gLiveBytes.fetch_sub(bytes, std::memory_order_relaxed);
  gLiveBuffers.fetch_sub(1, std::memory_order_relaxed);
}

MemoryStats memoryStats() {
  return {gLiveBytes.load(), gLiveBuffers.load(), gPeakBytes.load(), gBudget.load(), gAllocations.load(), gGpuAllocations.load()};
}

void setMemoryBudget(uint64_t bytes) { gBudget.store(bytes); }

}  // namespace bs
