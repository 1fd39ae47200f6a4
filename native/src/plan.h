// A compiled forward pass (what hybridize() builds): steps, one per op kind, run back to back on
// the CPU. A plan is built once per input signature: each step prepares its primitives in its
// constructor and the plan allocates every intermediate activation then, so run() allocates
// nothing and no JS runs between steps. A new op kind (convolution, pooling, batch norm) is one
// more PlanStep: prepare in the constructor (primitive, fused post-ops, packed weights), compute
// in run(); the memory plan and the run loop stay as they are. Not thread-safe: one run at a time.
#pragma once
#include <cstddef>
#include <memory>
#include <vector>

namespace bs {

struct Storage;

class PlanStep {
 public:
  virtual ~PlanStep() = default;
  // Bytes of the step's output (the next step's input).
  virtual size_t outBytes() const = 0;
  // in: the previous step's output (or the plan's input); out: outBytes() bytes, never `in`.
  virtual void run(const void* in, void* out) = 0;
};

class Plan {
 public:
  explicit Plan(std::vector<std::unique_ptr<PlanStep>> steps);
  virtual ~Plan();
  Plan(const Plan&) = delete;
  Plan& operator=(const Plan&) = delete;
  void run(const void* x, void* out);

 private:
  std::vector<std::unique_ptr<PlanStep>> steps_;
  std::vector<std::shared_ptr<Storage>> hidden_;  // step i's output, for every step but the last
};

}  // namespace bs
