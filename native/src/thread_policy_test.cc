// Host test of the thread-count rules (thread_policy.h), built with g++ and run by
// test/native/threading.test.ts. The inputs are texts in the kernel's documented formats
// (cgroup v2 cpu.max, cgroup v1 cfs quota, /proc/stat), the expectations worked out by hand from
// those formats. Prints "ok N" (checks passed) or the failures, exit status 1.
#include <cmath>
#include <cstdio>
#include <string>

#include "thread_policy.h"

namespace {

int failures = 0, checks = 0;

void expect(bool ok, const char* what, double got, double want) {
  checks++;
  if (!ok) {
    failures++;
    std::printf("FAIL %s: got %g, want %g\n", what, got, want);
  }
}

void near(double got, double want, const char* what) { expect(std::fabs(got - want) < 1e-9, what, got, want); }
void same(int got, int want, const char* what) { expect(got == want, what, got, want); }

using namespace bs::policy;

void cgroupQuota() {
  near(parseCpuMax("max 100000\n"), 0, "cpu.max without a limit");
  near(parseCpuMax("150000 100000\n"), 1.5, "cpu.max 1.5 cores");
  near(parseCpuMax("50000 100000"), 0.5, "cpu.max half a core");
  near(parseCpuMax("200000 50000\n"), 4, "cpu.max 4 cores, short period");
  near(parseCpuMax(""), 0, "cpu.max missing");
  near(parseCpuMax("garbage"), 0, "cpu.max unreadable");
  near(parseCpuMax("12x 100000"), 0, "cpu.max bad quota");
  near(parseCpuMax("100000 0"), 0, "cpu.max zero period");
  near(quotaCores(-1, 100000), 0, "v1 quota -1 (none)");
  near(quotaCores(300000, 100000), 3, "v1 quota 3 cores");
  near(quotaCores(100000, -1), 0, "v1 period unreadable");
}

void budget() {
  same(threadBudget(8, 0, 0), 8, "affinity alone");
  same(threadBudget(8, 1.5, 0), 2, "quota 1.5 cores rounds up");
  same(threadBudget(8, 2.0, 0), 2, "quota of exactly 2 cores");
  same(threadBudget(8, 0.5, 0), 1, "quota under one core");
  same(threadBudget(2, 4, 0), 2, "quota above the affinity");
  same(threadBudget(8, 0, 3), 3, "explicit cap");
  same(threadBudget(2, 0, 16), 2, "cap above the affinity");
  same(threadBudget(0, 0, 0), 1, "never below 1");
}

void procStat() {
  // /proc/stat: user nice system idle iowait irq softirq steal guest guest_nice.
  const std::string before =
      "cpu  300 0 100 900 0 0 0 0 0 0\n"
      "cpu0 100 0 50 400 0 0 0 0 0 0\n"
      "cpu1 200 0 50 500 0 0 0 0 0 0\n"
      "cpu2 0 0 0 1000 0 0 0 0 0 0\n"
      "intr 12345\nprocs_running 3\n";
  // 100 ticks later on each CPU: cpu0 busy 90 of 100 (80 user, 10 system), cpu1 busy 30 (of
  // which 10 irq and 10 steal), cpu2 idle but for 5 iowait.
  const std::string after =
      "cpu  ignored\n"
      "cpu0 180 0 60 410 0 0 0 0 0 0\n"
      "cpu1 210 0 50 570 0 10 0 10 0 0\n"
      "cpu2 0 0 0 1095 5 0 0 0 0 0\n";
  const CpuTicks a = parseProcStat(before, {0, 1});
  const CpuTicks b = parseProcStat(after, {0, 1});
  same(a.cpus, 2, "two allowed CPUs found");
  near(static_cast<double>(a.busy), 400, "busy ticks before (cpu0 + cpu1)");
  near(static_cast<double>(a.total), 1300, "total ticks before");
  near(static_cast<double>(b.busy - a.busy), 120, "busy ticks in the interval");
  near(static_cast<double>(b.total - a.total), 200, "total ticks in the interval");
  // 120 busy ticks of 200 on 2 CPUs = 1.2 cores; we used 40 ticks (0.4 cores): others 0.8.
  near(othersCores(a, b, 40), 0.8, "others' cores");
  near(othersCores(a, b, 500), 0, "ours above the busy total (clock skew): 0");
  near(othersCores(b, a, 0), 0, "time going backwards: 0");
  const CpuTicks c = parseProcStat(after, {2});
  same(c.cpus, 1, "cpu2 alone");
  near(static_cast<double>(c.total), 1100, "iowait counts as idle time");
  same(parseProcStat(before, {7}).cpus, 0, "a CPU without a line");
}

void available() {
  same(availableThreads(2, 0.0), 2, "quiet");
  same(availableThreads(2, 0.4), 2, "others use under half a core");
  same(availableThreads(2, 0.6), 1, "others keep one core busy");
  same(availableThreads(2, 1.0), 1, "one core busy");
  same(availableThreads(2, 2.0), 1, "both busy: still the calling thread");
  same(availableThreads(8, 3.2), 5, "8 threads, 3 cores taken");
}

void perPrimitive() {
  const double unit = 1 << 20;
  same(threadsForWork(1024.0 * 1024, unit, 2), 1, "batch-1 1024 x 1024 product: one thread");
  same(threadsForWork(784.0 * 1024, unit, 8), 1, "batch-1 784 x 1024 product: one thread");
  same(threadsForWork(64.0 * 20 * 256, unit, 2), 1, "batch-64 20 -> 256: one thread");
  same(threadsForWork(64.0 * 512 * 512, unit, 2), 2, "batch-64 512 x 512: both threads");
  same(threadsForWork(64.0 * 512 * 512, unit, 1), 1, "only one free");
  same(threadsForWork(3.0 * unit, unit, 8), 3, "three threads' worth of work");
  same(threadsForWork(1e12, unit, 8), 8, "capped by the free threads");
  same(threadsForWork(0, unit, 8), 1, "no work");
  same(threadsForWork(std::nan(""), unit, 8), 1, "NaN work");
}

void chunks() {
  const double unit = 1 << 20;
  same(static_cast<int>(chunkRows(64, 64.0 * 784 * 1024, unit, 2, 2, 0.0)), 0, "quiet: one primitive");
  same(static_cast<int>(chunkRows(64, 64.0 * 784 * 1024, unit, 2, 1, 1.0)), 32, "busy core, batch 64: 2 chunks of 32 rows");
  same(static_cast<int>(chunkRows(1024, 1024.0 * 512 * 512, unit, 2, 1, 1.0)), 512, "batch 1024: a chunk per thread");
  same(static_cast<int>(chunkRows(64, 64.0 * 512 * 10, unit, 2, 1, 1.0)), 0, "too little work");
  same(static_cast<int>(chunkRows(1, 1e9, unit, 2, 1, 1.0)), 0, "one row");
  same(static_cast<int>(chunkRows(64, 1e9, unit, 1, 1, 0.0)), 0, "budget of one");
  same(static_cast<int>(chunkRows(3, 3e9, unit, 2, 1, 1.0)), 1, "three rows of heavy work: row by row");
  same(static_cast<int>(chunkRows(16, 12 * unit, unit, 2, 1, 1.0)), 8, "a chunk per thread");
  same(static_cast<int>(chunkRows(5, 12 * unit, unit, 2, 1, 1.0)), 2, "odd rows: 2 + 2 + 1");
  same(static_cast<int>(chunkRows(8, 32 * unit, unit, 8, 2, 6.0)), 1, "many threads, few rows");
  same(static_cast<int>(chunkRows(64, 64.0 * 784 * 1024, unit, 2, 1, 1.25)), 32, "others at 1.25 cores of 2: still chunks");
  same(static_cast<int>(chunkRows(64, 64.0 * 784 * 1024, unit, 2, 1, 1.3)), 0, "oversubscribed: one thread");
  same(static_cast<int>(chunkRows(64, 64.0 * 784 * 1024, unit, 8, 3, 5.0)), 8, "5 of 8 cores busy elsewhere: 8 chunks of 8 rows");
  // LeNet's first convolution at batch 64 (7.5 M multiply-adds): too little for rows, enough for images.
  const double lenetConv1 = 64.0 * 6 * 28 * 28 * 25;
  same(static_cast<int>(chunkRows(64, lenetConv1, unit, 2, 1, 1.0)), 0, "7.5 M multiply-adds of rows: one primitive");
  same(static_cast<int>(chunkRows(64, lenetConv1, unit, 2, 1, 1.0, kImageChunkMin)), 32, "7.5 M multiply-adds of images: 2 chunks");
  same(static_cast<int>(chunkRows(64, 3.0 * unit, unit, 2, 1, 1.0, kImageChunkMin)), 0, "images with too little work");
}

}  // namespace

int main() {
  cgroupQuota();
  budget();
  procStat();
  available();
  perPrimitive();
  chunks();
  if (failures) {
    std::printf("%d of %d checks failed\n", failures, checks);
    return 1;
  }
  std::printf("ok %d\n", checks);
  return 0;
}
