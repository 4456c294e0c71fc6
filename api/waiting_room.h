// Where connections wait for the bytes of a request head without holding a
// worker. One thread watches every waiting connection (epoll), reads what
// arrives, and hands a connection to the workers once its head is complete,
// larger than allowed (the worker answers 431) or past its deadline with part
// of a head read (the worker answers 408). A connection that sends nothing
// before its deadline, or closes, is closed here without an answer. So is a
// connection being closed after a refusal: what the client still sends is
// read and dropped here until it closes or `linger` passes, so that closing
// does not reset the connection before the client has read the answer.
//
// Without it a client sending one header byte a second held a worker for the
// whole head deadline: 8 such connections delayed everyone by up to 9.7 s and
// 100 kept every fresh client out for 20 s. Kept-alive connections come back
// here between requests for the same reason.
//
// Thread-safe. The `ready` callback runs on the room's thread and must not
// block; after Stop() returns it is never called again.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "registry/base/status.h"

namespace tp::api {

struct PendingConnection {
  int sock = -1;
  std::string bytes;                               // read ahead: the head, and whatever followed it
  std::chrono::steady_clock::time_point deadline;  // for the whole head being read
  int served = 0;                                  // requests answered on this connection before
};

struct WaitingRoomOptions {
  std::size_t max_head_bytes = 32 * 1024;
  std::chrono::milliseconds head_deadline{5000};
  std::chrono::milliseconds keep_alive_timeout{5000};
  std::chrono::milliseconds linger{2000};
  // Connections waiting at once; past it a new connection is closed at once.
  std::size_t max_connections = 10000;
};

class WaitingRoom {
 public:
  using Ready = std::function<void(PendingConnection)>;

  WaitingRoom(WaitingRoomOptions options, Ready ready);
  ~WaitingRoom();
  WaitingRoom(const WaitingRoom&) = delete;
  WaitingRoom& operator=(const WaitingRoom&) = delete;

  // Starts the room's thread.
  Status Start();
  // A connection just accepted: its head must arrive within head_deadline.
  void AddNew(int sock);
  // A kept-alive connection after an answer: the next request must begin
  // within keep_alive_timeout (at once when `conn.bytes` already holds part of
  // it), its head then within head_deadline.
  void AddKeptAlive(PendingConnection conn);
  // A connection whose answer is written and whose writing side is shut: it
  // is closed once the client closes too, or after `linger`.
  void AddClosing(int sock);
  // Closes every waiting connection and joins the thread; a connection added
  // later is closed at once.
  void Stop();

  std::size_t waiting() const { return waiting_.load(); }

 private:
  struct Entry {
    PendingConnection conn;
    bool idle = false;     // no byte of the next request yet
    bool closing = false;  // read and dropped until the client closes
    std::chrono::steady_clock::time_point idle_until;
  };
  enum class ReadResult { kWaiting, kReady, kClosed };

  void Add(Entry entry);
  void Loop();
  void Admit(Entry entry);
  ReadResult Read(Entry& entry);
  void Close(int sock);
  void Wake();

  const WaitingRoomOptions options_;
  const Ready ready_;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> waiting_{0};
  std::mutex mu_;
  bool stopped_ = false;                    // guarded by mu_
  std::vector<Entry> incoming_;             // guarded by mu_
  std::unordered_map<int, Entry> entries_;  // the room's thread only
};

}  // namespace tp::api
