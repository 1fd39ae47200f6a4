// The process's thread budget (affinity, cgroup quota, caps), the sampler of how many cores
// other processes keep busy, and the chunk pool (runChunks); thread_policy.h holds the rules.
#include "threading.h"

#include <omp.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <thread>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>
#include <vector>

#include "thread_policy.h"

namespace bs {

namespace {

std::string readFile(const char* path) {
  std::ifstream in(path);
  if (!in) return "";
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

long long readNumber(const char* path) {
  const std::string s = readFile(path);
  return s.empty() ? -1 : std::atoll(s.c_str());
}

int envInt(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return 0;
  const int n = std::atoi(v);  // OMP_NUM_THREADS may be a list ("4,2"): its first level counts
  return n > 0 ? n : 0;
}

struct Budget {
  int budget = 1;
  int affinityCpus = 1;
  double quotaCores = 0;
  int cap = 0;
  bool adaptive = true;
  double assumedBusy = -1;  // BLOCKSMITH_ASSUME_BUSY_CORES: a fixed figure instead of sampling (tests)
  double workScale = 1;   // BLOCKSMITH_WORK_PER_THREAD / kMacsPerThread: tunes every threshold at once
  std::vector<int> cpus;  // the CPUs the affinity mask allows
};

Budget measureBudget() {
  Budget b;
#ifdef __linux__
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    for (int c = 0; c < CPU_SETSIZE; c++)
      if (CPU_ISSET(c, &set)) b.cpus.push_back(c);
  }
#endif  // elsewhere (macOS): every online CPU, no quota files, no /proc/stat (so no sampling)
  if (b.cpus.empty()) {
    const long n = sysconf(_SC_NPROCESSORS_ONLN);
    for (long c = 0; c < std::max(1L, n); c++) b.cpus.push_back(static_cast<int>(c));
  }
  b.affinityCpus = static_cast<int>(b.cpus.size());
  // cgroup v2, then v1 (a container's own hierarchy is mounted at /sys/fs/cgroup).
  b.quotaCores = policy::parseCpuMax(readFile("/sys/fs/cgroup/cpu.max"));
  if (b.quotaCores == 0)
    b.quotaCores = policy::quotaCores(readNumber("/sys/fs/cgroup/cpu/cpu.cfs_quota_us"), readNumber("/sys/fs/cgroup/cpu/cpu.cfs_period_us"));
  b.cap = envInt("BLOCKSMITH_THREADS");
  if (b.cap == 0) b.cap = envInt("OMP_NUM_THREADS");
  b.budget = policy::threadBudget(b.affinityCpus, b.quotaCores, b.cap);
  const char* adaptive = std::getenv("BLOCKSMITH_ADAPTIVE_THREADS");
  b.adaptive = !(adaptive != nullptr && adaptive[0] == '0');
  const char* busy = std::getenv("BLOCKSMITH_ASSUME_BUSY_CORES");
  if (busy != nullptr && *busy != '\0') b.assumedBusy = std::max(0.0, std::atof(busy));
  const char* perThread = std::getenv("BLOCKSMITH_WORK_PER_THREAD");
  if (perThread != nullptr && std::atof(perThread) > 0) b.workScale = std::atof(perThread) / kMacsPerThread;
  return b;
}

const Budget& budget() {
  static const Budget b = [] {
    Budget m = measureBudget();
    // The default team size of threads that never enter a ThreadScope (and what oneDNN reports).
    omp_set_num_threads(m.budget);
    return m;
  }();
  return b;
}

double processCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + ts.tv_nsec * 1e-9;
}

double monotonicSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

constexpr double kSampleInterval = 0.1;  // seconds between /proc/stat reads

struct Sampler {
  std::mutex mutex;  // one thread samples; the others read the last figure
  policy::CpuTicks ticks;
  double cpuSeconds = 0;
  double at = -1;
  std::atomic<double> nextAt{0};
  std::atomic<int> available{0};
  std::atomic<double> othersBusy{0};
};

Sampler& sampler() {
  static Sampler s;
  return s;
}

void sample(const Budget& b, Sampler& s) {
  std::unique_lock<std::mutex> lock(s.mutex, std::try_to_lock);
  if (!lock.owns_lock()) return;
  const double now = monotonicSeconds();
  if (now < s.nextAt.load(std::memory_order_relaxed)) return;
  s.nextAt.store(now + kSampleInterval, std::memory_order_relaxed);
  const policy::CpuTicks ticks = policy::parseProcStat(readFile("/proc/stat"), b.cpus);
  const double cpu = processCpuSeconds();
  if (s.at >= 0 && ticks.cpus > 0) {
    static const double hz = static_cast<double>(sysconf(_SC_CLK_TCK));
    const double others = policy::othersCores(s.ticks, ticks, (cpu - s.cpuSeconds) * hz);
    s.othersBusy.store(others, std::memory_order_relaxed);
    s.available.store(policy::availableThreads(b.budget, others), std::memory_order_relaxed);
  }
  s.ticks = ticks;
  s.cpuSeconds = cpu;
  s.at = now;
}

}  // namespace

int availableThreads() {
  const Budget& b = budget();
  if (!b.adaptive || b.budget == 1) return b.budget;
  if (b.assumedBusy >= 0) return policy::availableThreads(b.budget, b.assumedBusy);
  Sampler& s = sampler();
  if (monotonicSeconds() >= s.nextAt.load(std::memory_order_relaxed)) sample(b, s);
  const int a = s.available.load(std::memory_order_relaxed);
  return a > 0 ? a : b.budget;  // before the second sample: the whole budget
}

int threadsFor(double work, double perThread) {
  return policy::threadsForWork(work, perThread * budget().workScale, availableThreads());
}

int threadBudget() { return budget().budget; }

bool spareCoresTaken() {
  const Budget& b = budget();
  if (!b.adaptive || b.budget == 1) return false;
  availableThreads();  // refreshes the sample
  const double others = b.assumedBusy >= 0 ? b.assumedBusy : sampler().othersBusy.load(std::memory_order_relaxed);
  return others > b.budget - 0.75;
}

int64_t chunkRowsFor(int64_t rows, double work, double chunkMin) {
  const Budget& b = budget();
  if (!b.adaptive || b.budget == 1) return 0;
  const int available = availableThreads();  // refreshes the sample
  const double others = b.assumedBusy >= 0 ? b.assumedBusy : sampler().othersBusy.load(std::memory_order_relaxed);
  return policy::chunkRows(rows, work, kMacsPerThread * b.workScale, b.budget, available, others, chunkMin);
}

ThreadingInfo threadingInfo() {
  const Budget& b = budget();
  const int available = availableThreads();
  const double others = b.assumedBusy >= 0 ? b.assumedBusy : sampler().othersBusy.load(std::memory_order_relaxed);
  return ThreadingInfo{b.budget, b.affinityCpus, b.quotaCores, b.cap, b.adaptive, available, others, chunkJobCount()};
}

ThreadScope::ThreadScope(int threads) : threads_(threads < 1 ? 1 : threads), saved_(omp_get_max_threads()) {
  if (threads_ != saved_) omp_set_num_threads(threads_);
}

ThreadScope::~ThreadScope() {
  if (threads_ != saved_) omp_set_num_threads(saved_);
}

}  // namespace bs

// ---- the chunk pool (runChunks) ----

namespace bs {

namespace {

// Job index and generation share one word, so a pool thread that wakes late (after its job has
// ended and another begun) cannot take a chunk of the new job with the old job's body.
constexpr int kIndexBits = 40;
constexpr uint64_t kIndexMask = (uint64_t(1) << kIndexBits) - 1;

// How long a pool thread polls for the next job before it sleeps, while no other process keeps a
// core busy. Eager callers submit jobs a few µs of JS apart (a batch-1 Dense layer per call): a
// thread that slept at once paid a futex wake-up per layer, late enough that the caller had done
// both halves itself (512 → 512 at batch 1: 52 µs a layer on two threads, 41 on one, 24 in the
// compiled plan, where the thread stays awake). With a core busy it sleeps at once: there the core
// is better given up (a spinning pool made LeNet's busy plan 1.3–1.5× slower). Microseconds;
// BLOCKSMITH_POOL_SPIN_US overrides (0 = sleep at once).
double poolSpinSeconds() {
  static const double seconds = [] {
    const char* v = std::getenv("BLOCKSMITH_POOL_SPIN_US");
    const double us = v && *v ? std::atof(v) : 50.0;
    return us > 0 ? us * 1e-6 : 0.0;
  }();
  return seconds;
}

struct ChunkPool {
  std::mutex jobMutex;  // one job at a time
  std::mutex m;
  std::condition_variable wake;
  const std::function<void(int64_t)>* body = nullptr;
  int64_t n = 0;
  uint64_t generation = 0;
  std::atomic<uint64_t> published{0};  // `generation`, readable without the lock (the spin before sleeping)
  int wanted = 0;  // pool threads the current job may use
  std::atomic<uint64_t> next{0};
  std::atomic<int64_t> done{0};
  std::mutex errorMutex;
  std::exception_ptr error;
  int threads = 0;  // started so far

  // Takes and runs chunks of job `gen` until none is left; false when the job is gone.
  void work(uint64_t gen, int64_t total, const std::function<void(int64_t)>& f) {
    uint64_t v = next.load(std::memory_order_acquire);
    for (;;) {
      if ((v >> kIndexBits) != (gen & 0xffffff) || static_cast<int64_t>(v & kIndexMask) >= total) return;
      if (!next.compare_exchange_weak(v, v + 1, std::memory_order_acq_rel)) continue;
      try {
        f(static_cast<int64_t>(v & kIndexMask));
      } catch (...) {
        std::lock_guard<std::mutex> lock(errorMutex);
        if (!error) error = std::current_exception();
      }
      done.fetch_add(1, std::memory_order_acq_rel);
      v = next.load(std::memory_order_acquire);
    }
  }

  void loop(int id) {
    omp_set_num_threads(1);  // oneDNN inside a chunk runs on this thread alone
    uint64_t seen = 0;
    for (;;) {
      spinForJob(seen);
      std::unique_lock<std::mutex> lock(m);
      wake.wait(lock, [&] { return generation != seen && id < wanted; });
      seen = generation;
      const uint64_t gen = generation;
      const int64_t total = n;
      const std::function<void(int64_t)>* f = body;
      lock.unlock();
      work(gen, total, *f);  // a taken chunk keeps the job (and *f) alive until it is done
    }
  }

  // Polls up to poolSpinSeconds() for a job after `seen` while the machine has a core to spare.
  void spinForJob(uint64_t seen) {
    const double spin = poolSpinSeconds();
    if (spin <= 0 || published.load(std::memory_order_acquire) != seen || availableThreads() < 2) return;
    const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(spin);
    for (int i = 1; published.load(std::memory_order_acquire) == seen; i++) {
      if ((i & 63) == 0 && std::chrono::steady_clock::now() >= until) return;
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
    }
  }

  void ensureThreads(int count) {
    while (threads < count) {
      const int id = threads++;
      std::thread([this, id] { loop(id); }).detach();
    }
  }
};

ChunkPool& chunkPool() {
  static ChunkPool* pool = new ChunkPool();  // never destroyed: its threads outlive static destructors
  return *pool;
}

}  // namespace

namespace {
std::atomic<int64_t> chunkJobs{0};
}  // namespace

int64_t chunkJobCount() { return chunkJobs.load(std::memory_order_relaxed); }

void runChunks(int64_t n, int threads, const std::function<void(int64_t)>& body) {
  if (n <= 0) return;
  chunkJobs.fetch_add(1, std::memory_order_relaxed);
  ChunkPool& p = chunkPool();
  std::unique_lock<std::mutex> job(p.jobMutex, std::try_to_lock);
  if (threads <= 1 || n == 1 || !job.owns_lock() || n > static_cast<int64_t>(kIndexMask)) {
    ThreadScope one(1);
    for (int64_t c = 0; c < n; c++) body(c);
    return;
  }
  uint64_t gen;
  {
    std::lock_guard<std::mutex> lock(p.m);
    p.ensureThreads(threads - 1);
    p.body = &body;
    p.n = n;
    p.wanted = threads - 1;
    gen = ++p.generation;
    p.error = nullptr;
    p.done.store(0, std::memory_order_relaxed);
    p.next.store((gen & 0xffffff) << kIndexBits, std::memory_order_release);
    p.published.store(gen, std::memory_order_release);
  }
  p.wake.notify_all();
  {
    ThreadScope one(1);
    p.work(gen, n, body);
  }
  // Only chunks a pool thread has taken are left; wait for those (briefly spinning, then yielding).
  for (int spins = 0; p.done.load(std::memory_order_acquire) < n; spins++) {
    if (spins > 1000) std::this_thread::yield();
  }
  std::exception_ptr error;
  {
    std::lock_guard<std::mutex> lock(p.errorMutex);
    error = p.error;
  }
  if (error) std::rethrow_exception(error);
}

}  // namespace bs
