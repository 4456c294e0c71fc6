#include "api/serve.h"

#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <systemd/sd-daemon.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <thread>

#include "api/api_service.h"
#include "api/http_server.h"
#include "api/observe.h"
#include "indexer/search_index.h"
#include "registry/base/paths.h"
#include "registry/store/store.h"

namespace tp::api {
namespace {

// The server's own messages on stderr (start, signal, stop, failure): JSON lines beside the
// requests' when the log is JSON, "talentpool: …" otherwise.
class ServerLog {
 public:
  explicit ServerLog(bool json) : json_(json) {}
  void Say(const char* level, const char* event, const std::string& message) const {
    const std::string line =
        json_ ? JsonEventLine(level, event, message, std::chrono::system_clock::now())
              : "talentpool: " + message;
    std::fprintf(stderr, "%s\n", line.c_str());
  }

 private:
  bool json_;
};

// Under systemd with WatchdogSec=, pings the watchdog at half its interval for as long as the
// database answers: a server whose registry hangs is restarted, one that merely idles is not.
class Watchdog {
 public:
  explicit Watchdog(registry::Store& store) {
    uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return;
    const auto every = std::chrono::microseconds(usec / 2);
    thread_ = std::thread([this, &store, every] {
      std::unique_lock<std::mutex> lock(mu_);
      while (!cv_.wait_for(lock, every, [this] { return stop_; })) {
        if (store.LastSeq().ok()) sd_notify(0, "WATCHDOG=1");
      }
    });
  }
  ~Watchdog() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace

int Serve(const ServeOptions& options) {
  // Signals are taken by one thread with sigwait, so they must be blocked
  // before any other thread exists (threads inherit the mask).
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigset_t previous;
  pthread_sigmask(SIG_BLOCK, &signals, &previous);
  const bool json_log = options.log_format == "json";
  const ServerLog log(json_log);
  auto fail = [&](const Status& status) {
    log.Say("error", "failed", "serve: " + status.ToString());
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    return 1;
  };

  // Every waiting connection holds a descriptor: Debian's soft limit of 1,024 would refuse
  // clients long before the waiting room is full.
  rlimit files{};
  if (::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &files);
  }

  auto store = registry::Store::Open(options.data_dir);
  if (!store.ok()) return fail(store.status());
  auto index = indexer::SearchIndex::Open((*store)->IndexDir());
  if (!index.ok()) return fail(index.status());
  RequestMetrics metrics({"/api/v1/search", "/api/v1/enrollment-check"});
  const auto started = std::chrono::system_clock::now();
  ApiOptions api_options;
  api_options.trusted_proxy = options.trusted_proxy;
  api_options.accounts.idle_seconds = int64_t{options.session_idle_minutes} * 60;
  api_options.accounts.absolute_seconds = int64_t{options.session_hours} * 3600;
  api_options.accounts.max_failures = options.lock_after_failures;
  api_options.accounts.lock_seconds = int64_t{options.lock_minutes} * 60;
  api_options.max_json_body_bytes = static_cast<std::size_t>(options.json_body_kib) * 1024;
  api_options.max_import_bytes = static_cast<std::size_t>(options.import_mib) * 1024 * 1024;
  api_options.max_uploads_at_once = options.uploads_at_once;
  api_options.max_uploads_per_token = options.uploads_per_token;
  api_options.per_token = {options.calls_per_second_per_token, options.call_burst_per_token};
  api_options.check_per_token = {options.checks_per_second_per_token,
                                 options.check_burst_per_token};
  api_options.metrics_from = options.metrics_from;
  api_options.server_metrics = [&metrics, started] {
    const double up =
        std::chrono::duration<double>(std::chrono::system_clock::now() - started).count();
    return PrometheusGauge("talentpool_build_info", "The version serving (always 1).", 1) +
           PrometheusGauge("talentpool_uptime_seconds", "Seconds since the server started.", up) +
           metrics.Prometheus();
  };
  // Create brings the index up to date first: a rebuild when the index format changed.
  sd_notify(0, "STATUS=bringing the search index up to date");
  auto service = ApiService::Create(**store, index->get(), api_options);
  if (!service.ok()) return fail(service.status());

  HttpServerOptions http;
  http.bind_address = options.bind_address;
  http.port = options.port;
  http.worker_threads = options.worker_threads;
  http.read_timeout = std::chrono::seconds(options.read_timeout_seconds);
  http.body_deadline = std::chrono::seconds(options.body_timeout_seconds);
  http.keep_alive_timeout = std::chrono::seconds(options.keep_alive_seconds);
  std::mutex log_mu;
  http.on_request = [&metrics, &log_mu, json_log](const RequestRecord& r) {
    metrics.Record(r);
    std::string line;
    if (json_log) {
      line = JsonLogLine(r, std::chrono::system_clock::now());
    } else {
      char tail[96];
      std::snprintf(tail, sizeof tail, " %d %zuB %.1fms", r.status, r.bytes, r.milliseconds);
      line = UtcTime(std::chrono::system_clock::now()) + " " + std::string(r.method) + " " +
             std::string(r.route.empty() ? "-" : r.route) + tail +
             " id=" + std::string(r.request_id) +
             (r.actor.empty() ? "" : " actor=" + std::string(r.actor));
    }
    std::lock_guard<std::mutex> lock(log_mu);
    std::fprintf(stderr, "%s\n", line.c_str());
  };
  http.static_root = options.web_root;
  if (http.static_root.empty()) {
    std::string web = registry::ProjectRoot() + "/web";
    std::error_code ec;
    if (std::filesystem::is_directory(web, ec)) http.static_root = web;
  }
  HttpServer server(http);
  (*service)->Install(server);
  auto port = server.Bind();
  if (!port.ok()) return fail(port.status());
  const std::string address = "http://" + options.bind_address + ":" + std::to_string(*port);
  // Scripts and tests read this line on stdout, whatever the log's format.
  std::printf("talentpool: serving on %s\n", address.c_str());
  std::fflush(stdout);
  if (json_log) log.Say("info", "started", "serving on " + address);
  sd_notify(0, ("READY=1\nSTATUS=serving on " + address).c_str());
  Watchdog watchdog(**store);

  std::atomic<bool> done{false};
  std::thread watcher([&] {
    int sig = 0;
    while (sigwait(&signals, &sig) == 0) {
      if (done.load()) return;
      sd_notify(0, "STOPPING=1\nSTATUS=finishing requests in flight");
      log.Say("info", "stopping",
              "signal " + std::to_string(sig) + ", finishing requests in flight");
      server.Stop();
      return;
    }
  });
  Status run = server.Run();
  done.store(true);
  // Wakes the watcher if no signal came (Run failed).
  pthread_kill(watcher.native_handle(), SIGTERM);
  watcher.join();
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  if (!run.ok()) return fail(run);
  log.Say("info", "stopped", "stopped");
  return 0;
}

}  // namespace tp::api
