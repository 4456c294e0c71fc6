// `talentpool serve`: the registry in DIR behind the API and the web pages,
// until SIGTERM or SIGINT. Opens the store and the search index (bringing the
// index up to date first), listens, prints one line naming the address
// ("talentpool: serving on http://127.0.0.1:8080") to stdout, and on the
// signal stops accepting, finishes the requests in flight, then returns.
// Returns the process exit code: 0 after a signal, 1 when the registry
// cannot be opened or the address cannot be bound (the reason on stderr).
#pragma once

#include <string>
#include <vector>

namespace tp::api {

struct ServeOptions {
  std::string data_dir;
  std::string bind_address = "127.0.0.1";
  int port = 8080;  // 0: any free port (printed)
  int worker_threads = 8;
  std::string web_root;       // empty: ProjectRoot() + "/web" when it exists
  std::string trusted_proxy;  // the proxy whose X-Real-IP names the client; empty: none
  int session_idle_minutes = 30;  // a session ends after this long without a call
  int session_hours = 12;         // and this long after signing in, whatever happens
  int lock_after_failures = 5;    // failed sign-ins of one username before it locks
  int lock_minutes = 15;

  // Limits (api_service.h and http_server.h say what each bounds).
  int json_body_kib = 64;
  int import_mib = 32;
  int uploads_at_once = 2;
  int uploads_per_token = 1;
  int read_timeout_seconds = 10;
  int body_timeout_seconds = 120;
  int keep_alive_seconds = 5;
  double calls_per_second_per_token = 50;
  double call_burst_per_token = 200;
  double checks_per_second_per_token = 2;
  double check_burst_per_token = 30;

  // GET /metrics answers only these client addresses (404 to others); empty: nobody.
  std::vector<std::string> metrics_from = {"127.0.0.1", "::1"};
  // The request log: "json" (one JSON object a line) or "text".
  std::string log_format = "json";
};

int Serve(const ServeOptions& options);

}  // namespace tp::api
