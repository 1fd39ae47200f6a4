// dtype codes (same numbers as DTYPE_CODE in engine/backend/native-addon.ts) and the dispatch
// macros that turn a runtime code into a C++ element type. bool is stored as uint8 0/1, so it
// dispatches to uint8_t; kernels that care (casts, fills, binary add/mul) handle it explicitly.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

namespace bs {

enum class DType : int { F32 = 0, F64 = 1, I32 = 2, I64 = 3, U8 = 4, Bool = 5 };
constexpr int kNumDTypes = 6;

inline size_t dtypeSize(DType d) {
  static constexpr size_t sizes[] = {4, 8, 4, 8, 1, 1};
  return sizes[static_cast<int>(d)];
}
inline const char* dtypeName(DType d) {
  static constexpr const char* names[] = {"float32", "float64", "int32", "int64", "uint8", "bool"};
  return names[static_cast<int>(d)];
}
inline bool isFloat(DType d) { return d == DType::F32 || d == DType::F64; }

#define BS_CASE(code, type, T, ...) \
  case code: {                      \
    using T = type;                 \
    __VA_ARGS__;                    \
    break;                          \
  }

#define BS_DISPATCH_ALL(dt, T, ...)                     \
  switch (dt) {                                         \
    BS_CASE(::bs::DType::F32, float, T, __VA_ARGS__)    \
    BS_CASE(::bs::DType::F64, double, T, __VA_ARGS__)   \
    BS_CASE(::bs::DType::I32, int32_t, T, __VA_ARGS__)  \
    BS_CASE(::bs::DType::I64, int64_t, T, __VA_ARGS__)  \
    case ::bs::DType::U8:                               \
      BS_CASE(::bs::DType::Bool, uint8_t, T, __VA_ARGS__) \
  }

#define BS_DISPATCH_FLOAT(dt, T, ...)                 \
  switch (dt) {                                       \
    BS_CASE(::bs::DType::F32, float, T, __VA_ARGS__)  \
    BS_CASE(::bs::DType::F64, double, T, __VA_ARGS__) \
    default:                                          \
      break;                                          \
  }

// Integer arithmetic goes through the unsigned type of the same width, so overflow wraps (two's
// complement) instead of being undefined behaviour; floats are left alone.
template <typename T, bool = std::is_floating_point_v<T>>
struct WrapT {
  using type = T;
};
template <typename T>
struct WrapT<T, false> {
  using type = std::make_unsigned_t<T>;
};
template <typename T>
using Wrap = typename WrapT<T>::type;

// JS number → element type. Integers truncate toward zero and saturate; NaN becomes 0, because a
// float→int conversion of an out-of-range value is undefined behaviour in C++.
template <typename T>
inline T fromDouble(double v) {
  if constexpr (std::is_floating_point_v<T>) {
    return static_cast<T>(v);
  } else {
    if (std::isnan(v)) return 0;
    constexpr double lo = static_cast<double>(std::numeric_limits<T>::min());
    constexpr double hi = static_cast<double>(std::numeric_limits<T>::max());
    if (v <= lo) return std::numeric_limits<T>::min();
    if (v >= hi) return std::numeric_limits<T>::max();
    return static_cast<T>(v);
  }
}

template <typename T>
inline T fromDouble(double v, DType d) {
  if (d == DType::Bool) return static_cast<T>(v != 0 ? 1 : 0);  // JS `value !== 0`: NaN → 1
  return fromDouble<T>(v);
}

// Same saturation rule between element types (cast kernel).
template <typename D, typename S>
inline D convert(S v) {
  if constexpr (std::is_floating_point_v<S> && !std::is_floating_point_v<D>) {
    return fromDouble<D>(static_cast<double>(v));
  } else if constexpr (!std::is_floating_point_v<S> && !std::is_floating_point_v<D> &&
                       (sizeof(D) < sizeof(S) || std::is_signed_v<S> != std::is_signed_v<D>)) {
    // Integer narrowing wraps (two's complement), as numpy's astype does.
    return static_cast<D>(static_cast<std::make_unsigned_t<S>>(v));
  } else {
    return static_cast<D>(v);
  }
}

}  // namespace bs
