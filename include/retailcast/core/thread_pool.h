// A fixed pool of worker threads for running independent per-series work.
//
// ParallelFor hands out indices in small chunks; every index runs exactly once. Work on one
// index must not depend on any other index, which is what makes results independent of the
// number of threads (each series also draws from its own seeded RNG, see rng.h).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace retailcast {

class ThreadPool {
 public:
  // threads <= 0 means DefaultThreadCount().
  explicit ThreadPool(int threads = 0);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return static_cast<int>(workers_.size()) + 1; }

  // Calls fn(i) for every i in [0, n), on the pool's threads and the caller's; returns when
  // all calls have returned. `fn` must not throw. Not reentrant: do not call ParallelFor from
  // inside fn.
  void ParallelFor(size_t n, const std::function<void(size_t)>& fn);

  // RETAILCAST_THREADS from the environment when set and positive, else the hardware count.
  static int DefaultThreadCount();

 private:
  void WorkerLoop();
  void RunChunks();

  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable work_cv_;
  std::condition_variable done_cv_;
  const std::function<void(size_t)>* fn_ = nullptr;
  size_t n_ = 0;
  size_t next_ = 0;
  size_t chunk_ = 1;
  size_t active_ = 0;
  uint64_t generation_ = 0;
  bool stop_ = false;
};

}  // namespace retailcast
