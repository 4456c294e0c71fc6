// Starts `n` threads that each wait until all are started before running
// `body(i)`, then joins them: the calls race as closely as threads can.
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace tp::testing {

template <typename Body>
void RunTogether(int n, Body body) {
  std::mutex mu;
  std::condition_variable cv;
  int ready = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      {
        std::unique_lock lock(mu);
        if (++ready == n) cv.notify_all();
        cv.wait(lock, [&] { return ready == n; });
      }
      body(i);
    });
  }
  for (auto& t : threads) t.join();
}

}  // namespace tp::testing
