// Entry points for the fused recurrent layer (ops/rnn.h): float32 on the CPU only (other devices
// and dtypes run the engine's composed cells). Each re-checks the mode, the shape and that every
// buffer holds what the kernel touches before oneDNN runs.
#include "api.h"
#include "args.h"
#include "ops/rnn.h"

namespace bs {

namespace {

Storage* optional(const Args& args, size_t i, const char* name) { return args.isNull(i) ? nullptr : args.buffer(i, name); }

// mode and dims [T, N, C, H, D] at args i, i + 1.
RnnShape shapeOf(const Args& args, size_t i) {
  RnnShape s;
  s.mode = args.code(i, kNumRnnModes, "mode");
  Dims dims;
  args.dims(i + 1, "dims", dims);
  if (dims.n != 5) failAt(args.ctx, code::kArgs, "dims must be [T, N, C, H, D], got %d values", dims.n);
  s.t = dims[0], s.n = dims[1], s.c = dims[2], s.h = dims[3], s.d = dims[4];
  if (s.t < 1 || s.n < 1 || s.c < 1 || s.h < 1 || (s.d != 1 && s.d != 2))
    failAt(args.ctx, code::kArgs, "needs T, N, C, H >= 1 and D of 1 or 2, got [%lld, %lld, %lld, %lld, %lld]",
           (long long)s.t, (long long)s.n, (long long)s.c, (long long)s.h, (long long)s.d);
  checkedMul(args.ctx, s.t, s.n, s.c);
  checkedMul(args.ctx, s.t, s.n, s.d * s.h);
  checkedMul(args.ctx, s.d * rnnGates(s.mode) * s.h, s.c + s.h, 1);
  return s;
}

struct Sizes {
  int64_t x, y, wIh, wHh, b, state;
};

Sizes sizesOf(const RnnShape& s) {
  const int64_t gh = s.d * rnnGates(s.mode) * s.h;
  return {s.t * s.n * s.c, s.t * s.n * s.d * s.h, gh * s.c, gh * s.h, gh, s.d * s.n * s.h};
}

// A buffer of float32 that must hold n values (null allowed when `s` is optional).
const float* in(const Ctx& ctx, Storage* s, const char* what, int64_t n) {
  if (!s) return nullptr;
  checkElems(ctx, what, elems(s, DType::F32), n);
  return static_cast<const float*>(s->data);
}

float* out(const Ctx& ctx, Storage* s, const char* what, int64_t n) { return const_cast<float*>(in(ctx, s, what, n)); }

void requireCpu(const Ctx& ctx, Device dev) {
  if (dev.type != DeviceType::Cpu)
    failAt(ctx, code::kDevice, "runs on the CPU only; on a GPU the engine composes the cells from other ops");
}

}  // namespace

// recurrentWorkspaceBytes(mode, dims) → bytes a training forward writes for backward.
Napi::Value RecurrentWorkspaceBytes(const Napi::CallbackInfo& info) {
  Args args(info, "recurrentWorkspaceBytes", 2);
  const RnnShape s = shapeOf(args, 0);
  return Napi::Number::New(info.Env(), static_cast<double>(rnnWorkspaceBytes(s)));
}

// recurrent(mode, dims, x, wIh, wHh, bIh, bHh, h0, c0, y, hn, cn, workspace); see ops/rnn.h. With hn
// null, y is the packed output [y | hn | cn] that the engine records for autograd.
Napi::Value Recurrent(const Napi::CallbackInfo& info) {
  Args args(info, "recurrent", 13);
  RnnParams p;
  p.s = shapeOf(args, 0);
  const Sizes z = sizesOf(p.s);
  const bool lstm = p.s.mode == kRnnLstm;
  Storage* b[11];
  const char* names[11] = {"x", "wIh", "wHh", "bIh", "bHh", "h0", "c0", "y", "hn", "cn", "workspace"};
  for (int i = 0; i < 11; i++) {
    const bool opt = i == 5 || i == 6 || i == 8 || i == 9 || i == 10;
    b[i] = opt ? optional(args, 2 + i, names[i]) : args.buffer(2 + i, names[i]);
  }
  requireCpu(args.ctx, sameDevice(args.ctx, {b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10]}));
  const Ctx& c = args.ctx;
  p.x = in(c, b[0], "x", z.x);
  p.wIh = in(c, b[1], "wIh", z.wIh);
  p.wHh = in(c, b[2], "wHh", z.wHh);
  p.bIh = in(c, b[3], "bIh", z.b);
  p.bHh = in(c, b[4], "bHh", z.b);
  p.h0 = in(c, b[5], "h0", z.state);
  p.c0 = lstm ? in(c, b[6], "c0", z.state) : nullptr;
  if (b[8]) {
    p.y = out(c, b[7], "y", z.y);
    p.hn = out(c, b[8], "hn", z.state);
    if (lstm && !b[9]) failAt(c, code::kArgs, "an LSTM needs cn (or hn null and a packed y)");
    p.cn = lstm ? out(c, b[9], "cn", z.state) : nullptr;
  } else {
    p.y = out(c, b[7], "packed y", z.y + z.state * (lstm ? 2 : 1));
    p.hn = p.y + z.y;
    p.cn = lstm ? p.hn + z.state : nullptr;
  }
  p.workspace = nullptr;
  if (b[10]) {
    const int64_t need = rnnWorkspaceBytes(p.s);
    if (static_cast<int64_t>(b[10]->bytes) < need)
      failAt(c, code::kBounds, "workspace needs %lld bytes, but the buffer holds %lld", (long long)need,
             (long long)b[10]->bytes);
    p.workspace = b[10]->data;
  }
  rnnCpu(p);
  return info.Env().Undefined();
}

// recurrentBackward(mode, dims, x, wIh, wHh, bIh, bHh, h0, c0, out, workspace, dout, dx, dwIh, dwHh,
//                   dbIh, dbHh, dh0, dc0): out is forward's packed [y | hn | cn], dout its gradient.
Napi::Value RecurrentBackward(const Napi::CallbackInfo& info) {
  Args args(info, "recurrentBackward", 19);
  RnnBackwardParams p;
  p.s = shapeOf(args, 0);
  const Sizes z = sizesOf(p.s);
  const bool lstm = p.s.mode == kRnnLstm;
  constexpr int kCount = 17;
  const char* names[kCount] = {"x",  "wIh", "wHh",  "bIh",  "bHh",  "h0",   "c0",  "out", "workspace",
                               "dout", "dx", "dwIh", "dwHh", "dbIh", "dbHh", "dh0", "dc0"};
  Storage* b[kCount];
  for (int i = 0; i < kCount; i++) {
    const bool opt = i == 5 || i == 6 || i == 15 || i == 16;
    b[i] = opt ? optional(args, 2 + i, names[i]) : args.buffer(2 + i, names[i]);
  }
  requireCpu(args.ctx, sameDevice(args.ctx, {b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
                                             b[12], b[13], b[14], b[15], b[16]}));
  const Ctx& c = args.ctx;
  const int64_t need = rnnWorkspaceBytes(p.s), packed = z.y + z.state * (lstm ? 2 : 1);
  if (static_cast<int64_t>(b[8]->bytes) < need)
    failAt(c, code::kBounds, "workspace needs %lld bytes, but the buffer holds %lld", (long long)need, (long long)b[8]->bytes);
  p.x = in(c, b[0], "x", z.x);
  p.wIh = in(c, b[1], "wIh", z.wIh);
  p.wHh = in(c, b[2], "wHh", z.wHh);
  p.bIh = in(c, b[3], "bIh", z.b);
  p.bHh = in(c, b[4], "bHh", z.b);
  p.h0 = in(c, b[5], "h0", z.state);
  p.c0 = lstm ? in(c, b[6], "c0", z.state) : nullptr;
  p.y = in(c, b[7], "out", packed);
  p.hn = p.y + z.y;
  p.cn = lstm ? p.hn + z.state : nullptr;
  p.workspace = b[8]->data;
  p.dy = in(c, b[9], "dout", packed);
  p.dhn = p.dy + z.y;
  p.dcn = lstm ? p.dhn + z.state : nullptr;
  p.dx = out(c, b[10], "dx", z.x);
  p.dwIh = out(c, b[11], "dwIh", z.wIh);
  p.dwHh = out(c, b[12], "dwHh", z.wHh);
  p.dbIh = out(c, b[13], "dbIh", z.b);
  p.dbHh = out(c, b[14], "dbHh", z.b);
  p.dh0 = out(c, b[15], "dh0", z.state);
  p.dc0 = lstm ? out(c, b[16], "dc0", z.state) : nullptr;
  rnnBackwardCpu(p);
  return info.Env().Undefined();
}

}  // namespace bs
