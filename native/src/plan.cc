// The memory plan and run loop of compiled forwards (plan.h).
#include "plan.h"

#include "buffer.h"
#include "errors.h"

namespace bs {

Plan::Plan(std::vector<std::unique_ptr<PlanStep>> steps) : steps_(std::move(steps)) {
  if (steps_.empty()) fail(code::kArgs, "plan: a plan needs at least one step");
  for (size_t i = 0; i + 1 < steps_.size(); i++)
    hidden_.push_back(allocateStorage(Device{DeviceType::Cpu, 0}, steps_[i]->outBytes()));
}

Plan::~Plan() = default;

void Plan::run(const void* x, void* out) {
  const void* in = x;
  for (size_t i = 0; i < steps_.size(); i++) {
    void* dst = i + 1 == steps_.size() ? out : hidden_[i]->data;
    steps_[i]->run(in, dst);
    in = dst;
  }
}

}  // namespace bs
