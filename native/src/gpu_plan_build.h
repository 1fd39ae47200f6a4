// The builder of a GPU plan (gpu_plan.h), shared by its two source files: gpu_plan.cc (the memory
// plan, the fusion of elementwise steps, Dense, activations, reshapes and merges),
// gpu_plan_conv.cc (convolution with a batch norm folded in, transposed convolution, pooling,
// batch norm), gpu_plan_rows.cc (layer and RMS norm, group norm, softmax), gpu_plan_seq.cc
// (embedding, positions, attention), gpu_plan_rnn.cc (RNN, LSTM, GRU) and gpu_plan_shape.cc (transpose, slice, concat, axis
// reduction, pad, Clip / PReLU). Private to them.
//
// The pending kernel: consecutive elementwise steps are collected into one fused kernel (chain_)
// that is emitted (flush) only when a step needs its value in memory; its value gets its buffer
// then. A convolution or pooling starts such a kernel with itself as the source, so the steps
// after it become its epilogue.
#pragma once
#include <initializer_list>
#include <map>
#include <utility>
#include <vector>

#include "gpu_plan.h"

namespace bs {

class GpuPlanBuilder {
 public:
  using Slot = GpuPlan::Slot;
  using Step = GpuPlan::Step;

  GpuPlanBuilder(GpuPlan& plan, size_t values);
  void build(const std::vector<NetOp>& ops);

 private:
  GpuPlan& P;
  std::vector<int> left_;     // readers still to be built, per value
  std::vector<Slot> slot_;    // where each value lives; kind -1 until it has a buffer
  std::vector<bool> taken_;   // output buffers already given to their value
  std::vector<int> live_;     // per owned buffer: values living in it that are still read
  std::vector<int> free_;     // owned buffers no live value uses
  bool pending_ = false;      // a fused elementwise kernel being collected
  Step chain_;
  int chainValue_ = -1;       // the value the pending kernel computes (not in memory yet)
  Slot pin_{-1, 0};           // a buffer the pending kernel reads a window of: not its output's
  struct Finals {             // an rnn step's final states (gpu_plan_rnn.cc)
    Slot h, c;                // c kind -1: not an LSTM
    std::vector<int64_t> dims;
  };
  std::map<int, Finals> finals_;  // per rnn step's value

  bool isOutput(int v) const;
  Slot alloc(int64_t bytes);  // from the pool, or a new allocation
  Slot take(int v);           // where value v is written (an output buffer, or the pool)
  void hold(Slot s);
  void unhold(Slot s);
  void assign(int v, Slot s);
  void read(int v);  // one reader of v was built
  bool fusable(int v) const;
  void flush();
  void start(int x);
  // A pending kernel of `source` (its fields in e) reading x, computing v: x's buffer is pinned.
  void startSource(const GpuEwStep& e, int x, int v);
  void extend(int v, std::initializer_list<std::pair<GpuEwInstr, Slot>> ins);
  static GpuEwInstr act(int a, double alpha);
  // Parameter buffer k of op j (read in place, kept alive), null when absent; exactly elems floats.
  // prefix: the buffer may hold more (a position table's first rows).
  const float* param(const NetOp& op, size_t j, size_t k, int64_t elems, const char* what, bool prefix = false);
  float* own(int64_t elems);  // a device buffer the plan owns, outside the pool (folded weights)

  void step(const NetOp& op, size_t j, int v);
  void linear(const NetOp& op, size_t j, int v, int x);
  void merge(const NetOp& op, size_t j, int v, int a, int b);
  void conv(const NetOp& op, size_t j, int v);       // gpu_plan_conv.cc
  void deconv(const NetOp& op, size_t j, int v, int x);
  void pool(const NetOp& op, size_t j, int v, int x);
  void batchNorm(const NetOp& op, size_t j, int v, int x);
  void layerNorm(const NetOp& op, size_t j, int v, int x);  // gpu_plan_rows.cc
  void softmax(const NetOp& op, size_t j, int v, int x);
  void groupNorm(const NetOp& op, size_t j, int v, int x);
  void embed(const NetOp& op, size_t j, int v, int x);  // gpu_plan_seq.cc
  void tableAdd(const NetOp& op, size_t j, int v, int x);
  void attention(const NetOp& op, size_t j, int v);
  void rnn(const NetOp& op, size_t j, int v);  // gpu_plan_rnn.cc
  void rnnState(const NetOp& op, size_t j, int v);
  // x · wᵀ (+ bias, in place) into dst: x (rows, in) starting xOff floats into its slot, w (units, in).
  void gemm(Slot x, const float* w, const float* bias, int64_t rows, int64_t in, int64_t units, Slot dst, int64_t xOff = 0);
  void transpose(const NetOp& op, size_t j, int v, int x);  // gpu_plan_shape.cc
  void slice(const NetOp& op, size_t j, int v, int x);
  void concat(const NetOp& op, size_t j, int v);
  void axisReduce(const NetOp& op, size_t j, int v, int x);
  void pad(const NetOp& op, size_t j, int v, int x);
  void pointwise(const NetOp& op, size_t j, int v, int x);
  // One elementwise instruction computing v from x, joining the pending kernel when it computes x.
  void elementwise(int v, int x, const GpuEwInstr& i);
  // A step of its own (kind 3 / 4) reading x, writing v's buffer (never x's: it reads whole rows).
  void rowStep(Step s, int v, int x, int64_t scratchBytes);
};

int64_t gpuPlanCount(const std::vector<int64_t>& d);
double gpuPlanNum(const NetOp& op, size_t i, size_t j);  // op.p[i], E_NATIVE_ARGS when missing

}  // namespace bs
