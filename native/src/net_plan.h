// A compiled float32 forward over a graph of layers (what hybridize() builds for convolutional and
// residual networks): convolution with batch norm folded in and bias, residual sum and activation
// as oneDNN post-ops, pooling, batch norm, add, activation, reshape and linear, and the Transformer's
// steps (layer norm, embedding, position table, attention: net_plan_seq.cc; transpose, slice,
// concat, softmax, axis mean / last: net_plan_shape.cc) and recurrent layers (net_plan_rnn.cc), run back to back
// with no JS between them. Built once per input signature:
//
// - every primitive is created once, with format_tag::any, so oneDNN picks its preferred (blocked)
//   layouts; convolution weights are folded and reordered into that layout once, here;
// - every intermediate value gets its buffer once, in the layout its producer chose, from a pool:
//   a buffer goes back to the pool once the last step that reads its value is built, so values
//   whose lifetimes do not overlap share memory; a consumer that wants another layout gets a
//   reorder (prepared once, into a buffer of its own, held as long as the consumer's value) — so
//   consecutive convolution and pooling steps stay blocked and only the plan's outputs (and the
//   inputs of plain steps: linear, reshape) are reordered back to the plain row-major layout;
// - run() sets the inputs' and outputs' data handles and executes the prepared actions.
//
// Value ids: the inputs are 0 .. inputs - 1, op i produces value inputs + i. Not thread-safe.
#pragma once
#include <oneapi/dnnl/dnnl.hpp>

#include <cstdint>
#include <array>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "plan_ops.h"
#include "threading.h"

namespace bs {

// A value of the plan: its logical dims (NCHW order) and its memory (desc = the layout it is kept in).
struct NetValue {
  dnnl::memory::dims dims;
  dnnl::memory mem;
};

// A pooled buffer (aligned, owned by the plan).
struct NetSlot {
  std::shared_ptr<void> data;
  size_t bytes;
};

// What the step builders (net_plan_steps.cc) add to: values, the run's actions, owned buffers.
class NetBuild {
 public:
  NetBuild(std::vector<NetValue>& values, std::vector<std::function<void()>>& actions, size_t& bytes,
           std::vector<std::shared_ptr<void>>& owned, size_t inputs)
      : values(values), actions(actions), inputs(inputs), bytes_(bytes), owned_(owned) {}
  std::vector<NetValue>& values;
  std::vector<std::function<void()>>& actions;
  const size_t inputs;  // values 0 .. inputs - 1 are the plan's inputs (their handles are set per run)
  // Set by a step that runs on our chunk pool on a quiet machine too (Winograd convolutions):
  // read at run time by the direct convolution steps, which then also run as image chunks on the
  // pool instead of on OpenMP teams, so the plan does not hand the cores back and forth between
  // two sets of threads (each spinning a while after its region) step after step.
  std::shared_ptr<bool> onPool = std::make_shared<bool>(false);
  // A recurrent step's final states (hn, cn: plan-owned, plain), by the value id of its output
  // sequence: an rnnState step makes them values (net_plan_rnn.cc).
  std::map<int, std::array<dnnl::memory, 2>> finalStates;

  // A memory in layout `want` holding value v when the next action runs: v's own memory if it is
  // kept in that layout, else a buffer of its own that a reorder action (added now) fills.
  dnnl::memory as(int v, const dnnl::memory::desc& want);
  // as(v, the plain row-major layout of v's dims)
  dnnl::memory plain(int v);
  // A buffer owned by the plan for its lifetime (packed weights, folded biases).
  dnnl::memory alloc(const dnnl::memory::desc& md);
  // A buffer from the pool for the value the current step produces (or its scratch): it is
  // held until that value's last reader is built.
  dnnl::memory activation(const dnnl::memory::desc& md);
  // The pooled buffers taken since the last call (the current step's).
  std::vector<NetSlot> takeSlots() { return std::move(current_); }
  void release(std::vector<NetSlot>& slots);
  // Appends a value kept in `mem`.
  void add(const dnnl::memory::dims& dims, const dnnl::memory& mem) { values.push_back({dims, mem}); }
  // Hands value v's buffer to the value the current step produces, when this step is v's last
  // reader and nothing else shares the buffer (not a plan input or output, not reshaped for a
  // later step): the step may then write its result over v (a residual summed in place, with no
  // copy). False: nothing changed.
  bool takeOver(int v);
  // What takeOver reads: each value's last reader and the pooled buffers each value holds, and the step being built.
  void track(const std::vector<size_t>* lastUse, std::vector<std::vector<NetSlot>>* slots) {
    lastUse_ = lastUse;
    slots_ = slots;
  }
  void atStep(size_t step) { step_ = step; }

 private:
  const std::vector<size_t>* lastUse_ = nullptr;
  std::vector<std::vector<NetSlot>>* slots_ = nullptr;
  size_t step_ = 0;
  size_t& bytes_;
  std::vector<std::shared_ptr<void>>& owned_;
  std::vector<NetSlot> free_, current_;
};

// One primitive per thread count, each created on first use inside a ThreadScope of that count
// (oneDNN fixes a kernel's split when the primitive is created): a step runs on the threads that
// are free at that run (threadsFor), so a core another process takes is not waited for.
template <typename Prim>
class PerThreads {
 public:
  explicit PerThreads(std::function<Prim()> make) : make_(std::move(make)) {}
  Prim& get(int threads) {
    if (threads < 1) threads = 1;
    if (static_cast<size_t>(threads) >= made_->size()) made_->resize(static_cast<size_t>(threads) + 1);
    auto& p = (*made_)[static_cast<size_t>(threads)];
    if (!p) {
      ThreadScope s(threads);
      p = make_();
    }
    return *p;
  }

 private:
  std::function<Prim()> make_;
  // Shared: the actions holding a PerThreads are copied into std::function.
  std::shared_ptr<std::vector<std::optional<Prim>>> made_ = std::make_shared<std::vector<std::optional<Prim>>>();
};

dnnl::memory::desc plainDesc(const dnnl::memory::dims& dims);
// An action copying src into dst (a reorder between layouts) on the threads free at each run.
std::function<void()> reorderAction(dnnl::memory src, dnnl::memory dst);
// Adds the value op produces (net_plan_steps.cc); throws a coded NativeError for bad arguments.
void buildNetOp(NetBuild& b, const NetOp& op);
// Convolution with folded batch norm and fused sum / activation (net_plan_conv.cc).
void buildConv(NetBuild& b, const NetOp& op);
// A convolution's numbers (net_plan_conv.cc reads them from the op); act < 0: none.
struct ConvGeometry {
  int64_t n, c, h, w, o, kh, kw, sh, sw, ph, pw, dh, dw, groups;
  int act;
  bool hasSum, oneD;
};
// The convolution as Winograd F(2×2, 3×3) (net_plan_winograd.cc), from the folded weights
// (o, c, 3, 3) and bias (o); false (nothing added) where it does not apply or would be slower.
bool buildWinogradConv(NetBuild& b, const NetOp& op, const ConvGeometry& g, const std::vector<float>& weights, const std::vector<float>& bias);
// How many times a Winograd step has run in this process (tests: the path was taken).
int64_t winogradRunCount();
// The sequence-model steps (net_plan_seq.cc).
void buildLayerNorm(NetBuild& b, const NetOp& op);
void buildGroupNorm(NetBuild& b, const NetOp& op);
void buildEmbed(NetBuild& b, const NetOp& op);
void buildTableAdd(NetBuild& b, const NetOp& op);
void buildAttention(NetBuild& b, const NetOp& op);
// The layout steps (net_plan_shape.cc).
void buildTranspose(NetBuild& b, const NetOp& op);
void buildAxisReduce(NetBuild& b, const NetOp& op);
void buildSlice(NetBuild& b, const NetOp& op);
void buildConcat(NetBuild& b, const NetOp& op);
void buildSoftmax(NetBuild& b, const NetOp& op);
void buildPointwise(NetBuild& b, const NetOp& op);
void buildPad(NetBuild& b, const NetOp& op);
void buildDeconv(NetBuild& b, const NetOp& op);  // net_plan_deconv.cc
void buildRnn(NetBuild& b, const NetOp& op);     // net_plan_rnn.cc: RNN, LSTM, GRU layers
void buildRnnState(NetBuild& b, const NetOp& op);  // and their final states

class NetPlan {
 public:
  NetPlan(const std::vector<dnnl::memory::dims>& inputs, const std::vector<NetOp>& ops, const std::vector<int>& outputs);
  NetPlan(const NetPlan&) = delete;
  NetPlan& operator=(const NetPlan&) = delete;

  // in[i]: input i, plain layout; out[j]: output j, plain layout, written.
  void run(const std::vector<const void*>& in, const std::vector<void*>& out);

  size_t numInputs() const { return inputs_; }
  size_t numOutputs() const { return outputs_.size(); }
  const dnnl::memory::dims& dims(int value) const { return values_[value].dims; }
  int output(size_t j) const { return outputs_[j]; }
  int64_t runs() const { return runs_; }
  size_t bytes() const { return bytes_; }     // buffers the plan owns (activations, packed weights)
  size_t actions() const { return actions_.size(); }
  int threads() const { return threads_; }  // the budget its steps size their teams within

 private:
  size_t inputs_;
  std::vector<int> outputs_;
  std::vector<NetValue> values_;
  std::vector<std::function<void()>> actions_;
  std::vector<dnnl::memory> outMem_;  // plain, handles set per run
  std::vector<std::shared_ptr<Storage>> keep_;  // parameter buffers linear steps read at run time
  std::vector<std::shared_ptr<void>> owned_;    // pooled activation buffers
  size_t bytes_ = 0;
  int64_t runs_ = 0;
  int threads_ = 1;
};

}  // namespace bs
