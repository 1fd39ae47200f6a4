// The thread-count rules, as pure functions of what the system reports (no OpenMP, no oneDNN, no
// file access): threading.cc feeds them /sys and /proc text, and thread_policy_test.cc checks
// them on the host (test/native/threading.test.ts), so the rules are tested without a busy machine.
//
// The model: the process may use `budget` threads (its CPU affinity, capped by a cgroup CPU quota
// and by BLOCKSMITH_THREADS / OMP_NUM_THREADS); of those, a core another process keeps busy is
// not counted (`available`), because an OpenMP team that waits at a barrier for a thread sharing a
// core with a busy process waits a whole scheduler slice (milliseconds); and one primitive gets
// one thread per `minPerThread` units of work, so small products never fork at all.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

namespace bs::policy {

// cgroup v2 `cpu.max` ("max 100000" or "<quota> <period>", microseconds): the cores the quota
// allows (quota / period), or 0 when there is no limit or the text is not understood.
inline double parseCpuMax(const std::string& text) {
  std::istringstream in(text);
  std::string quota;
  long long period = 0;
  if (!(in >> quota >> period) || quota == "max" || period <= 0) return 0;
  char* end = nullptr;
  const long long q = std::strtoll(quota.c_str(), &end, 10);
  if (end == quota.c_str() || *end != '\0' || q <= 0) return 0;
  return static_cast<double>(q) / static_cast<double>(period);
}

// cgroup v1 `cpu.cfs_quota_us` / `cpu.cfs_period_us`: -1 (or unreadable) means no limit.
inline double quotaCores(long long quotaUs, long long periodUs) {
  return quotaUs > 0 && periodUs > 0 ? static_cast<double>(quotaUs) / static_cast<double>(periodUs) : 0;
}

// Threads the process may use: its affinity, capped by a quota (rounded up: 1.5 cores of quota
// still run two threads at 75 % each) and by an explicit cap (0 = none). At least 1.
inline int threadBudget(int affinityCpus, double quota, int cap) {
  int n = std::max(1, affinityCpus);
  if (quota > 0) n = std::min(n, std::max(1, static_cast<int>(std::ceil(quota - 1e-9))));
  if (cap > 0) n = std::min(n, cap);
  return n;
}

// Busy and total clock ticks of the CPUs in `allowed` (indices), from /proc/stat's `cpuN` lines
// (user nice system idle iowait irq softirq steal ...; guest time is already inside user).
struct CpuTicks {
  uint64_t busy = 0;
  uint64_t total = 0;
  int cpus = 0;  // how many allowed CPUs had a line
};

inline CpuTicks parseProcStat(const std::string& text, const std::vector<int>& allowed) {
  CpuTicks t;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.size() < 4 || line.compare(0, 3, "cpu") != 0 || line[3] < '0' || line[3] > '9') continue;
    std::istringstream f(line.substr(3));
    int cpu = -1;
    f >> cpu;
    if (std::find(allowed.begin(), allowed.end(), cpu) == allowed.end()) continue;
    uint64_t v[8] = {};
    for (uint64_t& x : v)
      if (!(f >> x)) x = 0;
    const uint64_t idle = v[3] + v[4];
    const uint64_t busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
    t.busy += busy;
    t.total += busy + idle;
    t.cpus++;
  }
  return t;
}

// Cores other processes kept busy between two samples: the allowed CPUs' busy share minus what
// this process used (`oursTicks`, in the same clock ticks), times the number of CPUs.
inline double othersCores(const CpuTicks& before, const CpuTicks& after, double oursTicks) {
  if (after.total <= before.total || after.cpus == 0) return 0;
  const double total = static_cast<double>(after.total - before.total);  // ticks summed over CPUs
  const double busy = static_cast<double>(after.busy - before.busy);
  const double others = std::max(0.0, busy - std::max(0.0, oursTicks));
  return others / total * after.cpus;
}

// The budget less the cores others keep busy; a core counts as taken when others used more than
// half of it. At least 1: the calling thread always runs.
inline int availableThreads(int budget, double othersBusy) {
  const int taken = static_cast<int>(std::floor(othersBusy + 0.5));
  return std::max(1, std::min(budget, budget - taken));
}

// Threads for one primitive: one per `minPerThread` units of work (a thread must have enough to
// do to repay its fork, join and wake-up), between 1 and `available`.
inline int threadsForWork(double work, double minPerThread, int available) {
  if (available <= 1 || !(work >= 2 * minPerThread)) return 1;
  const double n = std::floor(work / minPerThread);
  return n >= available ? available : std::max(1, static_cast<int>(n));
}

// The work a chunk must have, in units of a thread's minimum (below: chunkRows). Rows of a product:
// four, since a GEMM of a few rows runs slower than the whole. Images of a convolution: two, since
// a one-image convolution runs the same kernel at the same speed; measured with one core busy
// (contention suite, four interleaved runs each), LeNet at batch 64 took 0.91-1.33× onnxruntime
// against 1.31-1.82× with four (its first convolution, 7.5 M multiply-adds, now runs as two
// chunks instead of on one thread), the ResNet example at batch 16 the same (1.22-1.43 against 0.80-1.59).
constexpr double kRowChunkMin = 4.0;
constexpr double kImageChunkMin = 2.0;

// Rows per chunk when a product of `rows` rows should run as chunks that our threads take as they
// come (threading.h runChunks), or 0 to run it as one primitive. Only while some but not all of
// the spare cores are busy elsewhere: others keep at least half a core busy (available < budget)
// and at most budget - 1 cores and a quarter. A static split would then wait for the thread whose
// core is shared; with chunks the threads that get a CPU take its share. When others keep more
// than that busy, every extra thread of ours shares a core and a chunk preempted halfway stalls
// the product, so it runs on one thread. One chunk per thread of the budget (at least two; the
// work must give each chunk `chunkMin` · `minPerThread`): a thread that gets no CPU takes none, the others take its share.
// Measured against four per thread (plan-ab.ts --busy, one busy process): 784-1024-1024-10 at
// batch 64 2.96 ms against 4.87 (onnxruntime 3.2-3.7), the 21-layer 512-wide MLP 7.5 against
// 10.5: GEMMs of a few rows run slower, and a preempted chunk is waited for at any size.
inline int64_t chunkRows(int64_t rows, double work, double minPerThread, int budget, int available, double othersBusy,
                         double chunkMin = kRowChunkMin) {
  if (budget <= 1 || available >= budget || othersBusy > budget - 0.75) return 0;
  if (rows < 2 || !(work >= chunkMin * budget * minPerThread)) return 0;
  return std::max<int64_t>(1, std::min<int64_t>((rows + budget - 1) / budget, rows / 2));  // at least two chunks
}

}  // namespace bs::policy
