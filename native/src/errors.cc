#include "errors.h"

#include <cstdarg>
#include <cstdio>

namespace bs {

static std::string vformat(const char* fmt, va_list ap) {
  char buf[1024];
  vsnprintf(buf, sizeof buf, fmt, ap);
  return buf;
}

void fail(const char* code, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  std::string msg = vformat(fmt, ap);
  va_end(ap);
  throw NativeError(code, std::move(msg));
}

void failAt(const Ctx& ctx, const char* code, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  std::string msg = vformat(fmt, ap);
  va_end(ap);
  std::string prefix = ctx.kernel;
  if (ctx.op) prefix += std::string("(") + ctx.op + ")";
  throw NativeError(code, prefix + ": " + msg);
}

}  // namespace bs
