// How many threads a kernel runs on (the rules are in thread_policy.h; this is where the process
// applies them). Every parallel region of the addon — oneDNN primitives and the engine's own
// loops (parallel.h) — runs on the one OpenMP pool of the calling thread, sized per call:
//
//   ThreadScope threads(threadsFor(work));   // sets omp_set_num_threads for this scope
//
// oneDNN reads the count when a primitive is created (and some kernels fix their split then), so
// primitives are cached per thread count (PrimKey::threads) and must be created inside the scope.
// Waiting threads sleep after a short spin: engine/backend/native-loader.ts sets GOMP_SPINCOUNT
// before libgomp loads with the addon, since libgomp reads it once, at load.
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "thread_policy.h"

namespace bs {

// Work units: multiply-adds for products, elements for elementwise passes.
// One thread per this many multiply-adds (about 20-40 µs on one core): below it a fork, a wake-up
// and a barrier cost more than the second thread saves. A batch-1 product up to 1024 × 1024 runs
// on one thread.
constexpr double kMacsPerThread = 1 << 20;
// One thread per this many elements of an elementwise pass (memory bound; ~10 µs each).
constexpr double kElemsPerThread = 1 << 15;

struct ThreadingInfo {
  int budget;          // threads the process may use (affinity, quota, cap)
  int affinityCpus;    // CPUs in the affinity mask
  double quotaCores;   // cgroup CPU quota in cores, 0 = none
  int cap;             // BLOCKSMITH_THREADS / OMP_NUM_THREADS, 0 = none
  bool adaptive;       // whether cores busy with other processes are left out
  int available;       // threads free now (budget less cores other processes keep busy)
  double othersBusy;   // cores other processes kept busy in the last sample
  int64_t chunkJobs;   // runChunks calls so far (tests: a step ran as chunks)
};

ThreadingInfo threadingInfo();

// Threads free for one parallel region now: the budget less the cores other processes keep
// busy, sampled from /proc/stat at most every 100 ms (a few µs per sample; Linux only).
int availableThreads();

// Threads for one primitive of `work` units at `perThread` units per thread.
int threadsFor(double work, double perThread = kMacsPerThread);

// The process's thread budget (affinity, quota, cap).
int threadBudget();

// Whether other processes keep every spare core busy (more than budget - 0.75 cores, the bound
// past which chunkRowsFor stops chunking): then any second thread of ours shares a core with one,
// and work split over a pool waits for it whenever it is preempted. False when not adaptive.
bool spareCoresTaken();

// Rows per chunk for a product of `rows` rows and `work` multiply-adds to run as chunks taken
// dynamically by threadBudget() threads (parallel.h parallelChunks), or 0: run it whole on
// threadsFor(work) threads. Non-zero only while other processes keep cores busy.
int64_t chunkRowsFor(int64_t rows, double work, double chunkMin = policy::kRowChunkMin);

// body(c) for every c in [0, n), on the calling thread and up to `threads` - 1 threads of a pool
// of our own (not OpenMP): each takes the next chunk when it is free, and the caller waits only
// for chunks already taken, never for a pool thread that has not started (an OpenMP team waits at
// its barrier for every member, which costs a scheduler slice when a member's core is busy).
// Pool threads run oneDNN single-threaded. One job at a time: a second caller meanwhile runs its
// chunks alone. The first exception thrown by a body is rethrown once all taken chunks are done.
void runChunks(int64_t n, int threads, const std::function<void(int64_t)>& body);
// How many runChunks calls the process has made.
int64_t chunkJobCount();

// Sets the calling thread's OpenMP team size for its lifetime (and restores it).
class ThreadScope {
 public:
  explicit ThreadScope(int threads);
  ~ThreadScope();
  ThreadScope(const ThreadScope&) = delete;
  ThreadScope& operator=(const ThreadScope&) = delete;
  int threads() const { return threads_; }

 private:
  int threads_;
  int saved_;
};

}  // namespace bs
