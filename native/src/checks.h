// Bounds arithmetic shared by every entry point. All inputs were already checked to be integers in
// [0, 2^53], so products fit in 128 bits and nothing here can overflow.
#pragma once
#include <cstdint>
#include <cstdio>

#include "errors.h"

namespace bs {

constexpr int kMaxRank = 32;

struct Dims {
  int n = 0;
  int64_t v[kMaxRank];
  int64_t operator[](int i) const { return v[i]; }
  int64_t& operator[](int i) { return v[i]; }
};

using u128 = unsigned __int128;

// Element count of a shape; fails (bounds) when it cannot be addressed at all.
inline int64_t elementCount(const Ctx& ctx, const Dims& shape) {
  u128 n = 1;
  for (int i = 0; i < shape.n; i++) {
    n *= static_cast<u128>(shape[i]);
    if (n == 0) return 0;
    if (n > (u128(1) << 62)) failAt(ctx, code::kBounds, "shape has more than 2^62 elements");
  }
  return static_cast<int64_t>(n);
}

// Largest element index a strided view reaches, or -1 when the view is empty (touches nothing).
inline __int128 maxReach(int64_t offset, const int64_t* strides, const Dims& shape) {
  __int128 reach = offset;
  for (int i = 0; i < shape.n; i++) {
    if (shape[i] == 0) return -1;
    reach += static_cast<__int128>(strides[i]) * (shape[i] - 1);
  }
  return reach;
}

// "[2, 3, 4]" into buf (error messages only).
inline const char* formatDims(const int64_t* v, int n, char* buf, size_t size) {
  size_t used = 0;
  used += snprintf(buf + used, size - used, "[");
  for (int i = 0; i < n && used < size; i++)
    used += snprintf(buf + used, size - used, i ? ", %lld" : "%lld", static_cast<long long>(v[i]));
  if (used < size) snprintf(buf + used, size - used, "]");
  return buf;
}

inline void checkStrided(const Ctx& ctx, const char* what, int64_t bufElems, int64_t offset,
                         const int64_t* strides, const Dims& shape) {
  __int128 reach = maxReach(offset, strides, shape);
  if (reach >= static_cast<__int128>(bufElems)) {
    char s[256], st[256];
    failAt(ctx, code::kBounds,
           "%s: shape %s with strides %s from offset %lld reaches element %.0f, but the buffer holds "
           "%lld elements",
           what, formatDims(shape.v, shape.n, s, sizeof s), formatDims(strides, shape.n, st, sizeof st),
           static_cast<long long>(offset), static_cast<double>(reach), static_cast<long long>(bufElems));
  }
}

// n contiguous elements from element 0.
inline void checkElems(const Ctx& ctx, const char* what, int64_t bufElems, int64_t n) {
  if (n > bufElems)
    failAt(ctx, code::kBounds, "%s needs %lld elements, but the buffer holds %lld", what,
           static_cast<long long>(n), static_cast<long long>(bufElems));
}

// a * b (* c) without overflow, for sizes like batch * m * n.
inline int64_t checkedMul(const Ctx& ctx, int64_t a, int64_t b, int64_t c = 1) {
  u128 r = static_cast<u128>(a) * static_cast<u128>(b);
  r *= static_cast<u128>(c);
  if (r > (u128(1) << 62)) failAt(ctx, code::kBounds, "size %lld x %lld x %lld is too large",
                                  (long long)a, (long long)b, (long long)c);
  return static_cast<int64_t>(r);
}

}  // namespace bs
