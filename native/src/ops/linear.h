// Gluon's FullyConnected: out = act(x · w^T + bias).
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "../dtype.h"
#include "../plan.h"

namespace bs {

struct LinearParams {
  DType dtype;
  const void* x;
  const void* w;
  const void* bias;  // may be null
  void* out;
  int64_t rows, inUnits, outUnits;
  int activation;  // UnaryOp code or -1
};

void linearCpu(const LinearParams& p);

// The gradients of out = act(x · w^T + bias), from dy and the activation's output y (act must be
// one whose derivative follows from y: relu, sigmoid, tanh; or -1). Each of dx [rows, inUnits],
// dw [outUnits, inUnits], db [outUnits] may be null (not wanted). Composed of the backend's own
// unaryBackward, matmul and reduce, the kernels autograd runs for the unfused ops, so the values
// are identical to theirs; one temporary of dy's size when act >= 0.
struct LinearBackwardParams {
  DType dtype;
  const void* x;
  const void* w;
  const void* y;
  const void* dy;
  void* dx;
  void* dw;
  void* db;
  int64_t rows, inUnits, outUnits;
  int activation;
};
struct Device;
class Backend;
void linearBackward(Backend& backend, Device device, const LinearBackwardParams& p);  // linear_backward.cc

struct Storage;
// A chain of linears run back to back on the CPU (a hybridized Dense stack): a Plan (plan.h) of
// one linear step per layer, each with its primitive and memory objects prepared once (inner
// product with bias and activation fused as a post-op), the hidden activations allocated once;
// run() only swaps in the input and the output. Keeps the weights' storage alive.
class LinearPlan : public Plan {
 public:
  struct Layer {
    std::shared_ptr<Storage> w, bias;  // bias may be null
    int64_t inUnits, outUnits;
    int activation;
  };
  LinearPlan(DType dtype, int64_t rows, std::vector<Layer> layers);
  // x [rows, layers[0].inUnits], out [rows, last outUnits]
  DType dtype() const { return dtype_; }
  int64_t rows() const { return rows_; }
  const std::vector<Layer>& layers() const { return layers_; }

 private:
  DType dtype_;
  int64_t rows_;
  std::vector<Layer> layers_;
};
void linearCuda(const LinearParams& p);  // linear_cuda.cu

}  // namespace bs
