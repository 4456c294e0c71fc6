#include "api/observe.h"

#include <cmath>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

namespace tp::api {
namespace {

// Seconds; the searches and checks answer in milliseconds, a slow one in seconds.
constexpr double kBounds[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};

std::string Stamp(std::chrono::system_clock::time_point t, int offset_hours, const char* zone) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch());
  const std::time_t seconds = static_cast<std::time_t>(ms.count() / 1000) + offset_hours * 3600;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[48];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03d%s", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms.count() % 1000), zone);
  return text;
}

// A label value: backslash, quote and newline escaped.
std::string Label(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string Number(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.10g", v);
  return text;
}

}  // namespace

std::string BeijingTime(std::chrono::system_clock::time_point t) { return Stamp(t, 8, "+08:00"); }
std::string UtcTime(std::chrono::system_clock::time_point t) { return Stamp(t, 0, "Z"); }

std::string JsonEventLine(const char* level, const char* event, const std::string& message,
                          std::chrono::system_clock::time_point now) {
  nlohmann::ordered_json line = {{"time", BeijingTime(now)},
                                 {"time_utc", UtcTime(now)},
                                 {"level", level},
                                 {"event", event},
                                 {"message", message}};
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string JsonLogLine(const RequestRecord& r, std::chrono::system_clock::time_point now) {
  nlohmann::ordered_json line = {
      {"time", BeijingTime(now)},
      {"time_utc", UtcTime(now)},
      {"level", r.status >= 500 ? "error" : (r.status >= 400 ? "warn" : "info")},
      {"request_id", r.request_id},
      {"method", r.method},
      // The route's pattern, never the path: a path can carry an invitation's secret.
      {"route", r.route.empty() ? "-" : r.route},
      {"status", r.status},
      {"latency_ms", std::round(r.milliseconds * 10) / 10},
      {"bytes", r.bytes},
      {"account", r.actor},
  };
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

RequestMetrics::RequestMetrics(std::vector<std::string> timed_routes)
    : timed_routes_(std::move(timed_routes)) {}

void RequestMetrics::Record(const RequestRecord& r) {
  const std::string route = r.route.empty() ? "-" : std::string(r.route);
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[{route, std::string(r.method), r.status}];
  for (const std::string& timed : timed_routes_) {
    if (timed != route) continue;
    Histogram& h = latency_[route];
    h.buckets.resize(std::size(kBounds));
    const double seconds = r.milliseconds / 1000;
    for (std::size_t i = 0; i < std::size(kBounds); ++i) {
      if (seconds <= kBounds[i]) ++h.buckets[i];
    }
    ++h.count;
    h.sum += seconds;
  }
}

std::string RequestMetrics::Prometheus() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out =
      "# HELP talentpool_http_requests_total Requests answered, by route pattern, method and "
      "status.\n# TYPE talentpool_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    const auto& [route, method, status] = key;
    out += "talentpool_http_requests_total{route=\"" + Label(route) + "\",method=\"" +
           Label(method) + "\",status=\"" + std::to_string(status) + "\"} " + std::to_string(n) +
           "\n";
  }
  out +=
      "# HELP talentpool_http_request_duration_seconds Time from the request's first byte to "
      "the answer, for search and the enrolment check.\n"
      "# TYPE talentpool_http_request_duration_seconds histogram\n";
  for (const std::string& route : timed_routes_) {
    auto it = latency_.find(route);
    const Histogram empty{std::vector<uint64_t>(std::size(kBounds)), 0, 0};
    const Histogram& h = it == latency_.end() ? empty : it->second;
    const std::string label = "route=\"" + Label(route) + "\"";
    for (std::size_t i = 0; i < std::size(kBounds); ++i) {
      out += "talentpool_http_request_duration_seconds_bucket{" + label + ",le=\"" +
             Number(kBounds[i]) + "\"} " + std::to_string(h.buckets[i]) + "\n";
    }
    out += "talentpool_http_request_duration_seconds_bucket{" + label + ",le=\"+Inf\"} " +
           std::to_string(h.count) + "\n";
    out += "talentpool_http_request_duration_seconds_sum{" + label + "} " + Number(h.sum) + "\n";
    out += "talentpool_http_request_duration_seconds_count{" + label + "} " +
           std::to_string(h.count) + "\n";
  }
  return out;
}

std::string PrometheusGauge(const std::string& name, const std::string& help, double value,
                            const char* type) {
  return "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + name + " " +
         Number(value) + "\n";
}

std::string PrometheusCounter(const std::string& name, const std::string& help,
                              const std::string& label,
                              const std::vector<std::pair<std::string, double>>& samples) {
  std::string out = "# HELP " + name + " " + help + "\n# TYPE " + name + " counter\n";
  for (const auto& [value, count] : samples) {
    out += name + "{" + label + "=\"" + Label(value) + "\"} " + Number(count) + "\n";
  }
  return out;
}

}  // namespace tp::api
