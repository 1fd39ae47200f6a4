// Entry points for the row gather and its scatter-add (ops/take.h), the ops under Embedding.
// take(dtype, indexDtype, table, index, out, n, rows, dim); takeBackward(dtype, indexDtype, dy,
// index, dtable, n, rows, dim) adds into dtable. On the CPU every index is checked to lie in
// [0, rows) first, so a bad token id is an error naming it rather than a silent zero row.
#include "api.h"
#include "args.h"

namespace bs {

namespace {

void checkIndices(const Ctx& ctx, const TakeParams& p) {
  for (int64_t i = 0; i < p.n; i++) {
    const int64_t r = p.indexDtype == DType::I32 ? static_cast<const int32_t*>(p.index)[i] : static_cast<const int64_t*>(p.index)[i];
    if (r < 0 || r >= p.rows)
      failAt(ctx, code::kBounds, "index %lld at position %lld is outside the table's %lld rows", (long long)r, (long long)i,
             (long long)p.rows);
  }
}

Napi::Value takeEntry(const Napi::CallbackInfo& info, bool backward) {
  Args args(info, backward ? "takeBackward" : "take", 8);
  TakeParams p;
  p.dtype = args.dtype(0);
  p.indexDtype = args.dtype(1, "indexDtype");
  if (p.indexDtype != DType::I32 && p.indexDtype != DType::I64)
    failAt(args.ctx, code::kDtype, "indices must be int32 or int64, got %s", dtypeName(p.indexDtype));
  if (backward && !isFloat(p.dtype)) failAt(args.ctx, code::kDtype, "needs float32 or float64, got %s", dtypeName(p.dtype));
  Storage* table = args.buffer(2, backward ? "dy" : "table");
  Storage* index = args.buffer(3, "index");
  Storage* out = args.buffer(4, backward ? "dtable" : "out");
  p.n = args.index(5, "n");
  p.rows = args.index(6, "rows");
  p.dim = args.index(7, "dim");
  Device dev = sameDevice(args.ctx, {table, index, out});
  const int64_t tableElems = checkedMul(args.ctx, p.rows, p.dim);
  const int64_t outElems = checkedMul(args.ctx, p.n, p.dim);
  checkElems(args.ctx, backward ? "dy" : "table", elems(table, p.dtype), backward ? outElems : tableElems);
  checkElems(args.ctx, "index", elems(index, p.indexDtype), p.n);
  checkElems(args.ctx, backward ? "dtable" : "out", elems(out, p.dtype), backward ? tableElems : outElems);
  p.table = table->data;
  p.index = index->data;
  p.out = out->data;
  if (p.n == 0 || p.dim == 0) return info.Env().Undefined();
  if (dev.type == DeviceType::Cpu) checkIndices(args.ctx, p);
  if (backward)
    backendFor(dev.type).takeBackward(p);
  else
    backendFor(dev.type).take(p);
  return info.Env().Undefined();
}

}  // namespace

Napi::Value Take(const Napi::CallbackInfo& info) { return takeEntry(info, false); }
Napi::Value TakeBackward(const Napi::CallbackInfo& info) { return takeEntry(info, true); }

}  // namespace bs
