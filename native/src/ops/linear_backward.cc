// linearBackward on any backend: the activation's derivative, then dx = g · w, dw = gᵀ · x and
// db = Σ_rows g, through the backend's own kernels (see linear.h).
#include "../backend.h"
#include "../buffer.h"
#include "linear.h"

namespace bs {

void linearBackward(Backend& backend, Device device, const LinearBackwardParams& p) {
  const int64_t n = p.rows * p.outUnits;
  const void* g = p.dy;
  std::shared_ptr<Storage> masked;
  if (p.activation >= 0 && n > 0) {
    masked = allocateStorage(device, static_cast<size_t>(n) * dtypeSize(p.dtype));
    // y stands in for the pre-activation x: relu's x > 0 is y > 0, and sigmoid/tanh read y only.
    backend.unaryBackward(UnaryBackwardParams{p.activation, p.dtype, p.y, p.y, p.dy, masked->data, n});
    g = masked->data;
  }
  if (p.dx) backend.matmul(MatmulParams{p.dtype, g, p.w, p.dx, 1, p.rows, p.inUnits, p.outUnits, false, false, 0, 0});
  if (p.dw) backend.matmul(MatmulParams{p.dtype, g, p.x, p.dw, 1, p.outUnits, p.inUnits, p.rows, true, false, 0, 0});
  if (p.db) {
    ReduceParams r{};
    r.op = kSum;
    r.dtype = p.dtype;
    r.x = g;
    r.shape.n = 2;
    r.shape.v[0] = p.rows;
    r.shape.v[1] = p.outUnits;
    r.reduced[0] = true;
    r.reduced[1] = false;
    r.out = p.db;
    backend.reduce(r);
  }
}

}  // namespace bs
