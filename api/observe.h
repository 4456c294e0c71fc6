// What `talentpool serve` tells its operators: one JSON object a line per request (Beijing time
// and UTC, level, request id, route, status, latency, account; never a query, header or body, so
// never a token, an ID number or a phone), and the counters behind GET /metrics in Prometheus'
// text format (requests by route and status, latency histograms of search and the enrolment
// check).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "api/http_server.h"

namespace tp::api {

// The JSON log line of one request (no trailing newline), stamped `now`.
std::string JsonLogLine(const RequestRecord& r, std::chrono::system_clock::time_point now);

// A JSON log line of the server's own (no trailing newline): start, stop, a signal, a failure.
std::string JsonEventLine(const char* level, const char* event, const std::string& message,
                          std::chrono::system_clock::time_point now);

// "2026-12-07T16:30:05.123+08:00" and "2026-12-07T08:30:05.123Z" of one instant.
std::string BeijingTime(std::chrono::system_clock::time_point t);
std::string UtcTime(std::chrono::system_clock::time_point t);

// Request counts and latencies; Record is called on every worker thread.
class RequestMetrics {
 public:
  // Routes whose latencies are kept as histograms.
  explicit RequestMetrics(std::vector<std::string> timed_routes);
  void Record(const RequestRecord& r);
  // talentpool_http_requests_total and talentpool_http_request_duration_seconds, with their
  // HELP and TYPE lines.
  std::string Prometheus() const;

 private:
  struct Histogram {
    std::vector<uint64_t> buckets;  // counts at or below each bound
    uint64_t count = 0;
    double sum = 0;
  };
  std::vector<std::string> timed_routes_;
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, uint64_t> requests_;  // route, method, status
  std::map<std::string, Histogram> latency_;
};

// One metric in Prometheus' text format: HELP, TYPE and a sample without labels.
std::string PrometheusGauge(const std::string& name, const std::string& help, double value,
                            const char* type = "gauge");
// One counter in Prometheus' text format with a sample for each value of one label, in order.
std::string PrometheusCounter(const std::string& name, const std::string& help,
                              const std::string& label,
                              const std::vector<std::pair<std::string, double>>& samples);

}  // namespace tp::api
