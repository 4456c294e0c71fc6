// A minimal blocking HTTP/1.1 client for the benchmarks: one keep-alive connection to
// 127.0.0.1, requests written whole, answers read by Content-Length. It is not a general client
// (no chunked bodies, no redirects); it only has to talk to our own server, so what is measured
// is the server, not a client library. Header-only because each benchmark is one program.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace tp::bench {

// A connected socket with Nagle off, or -1.
inline int ConnectLoopback(int port) {
  int sock = ::socket(AF_INET, SOCK_STREAM, 0);
  if (sock < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(sock, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(sock);
    return -1;
  }
  int yes = 1;
  ::setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof(yes));
  return sock;
}

// Sends one request and reads its answer. Returns the status (0 when the connection broke),
// sets *keep to whether the server keeps the connection open, the body into *body and the status
// line and headers into *head when given.
inline int Exchange(int sock, const std::string& request, bool* keep, std::string* body = nullptr,
                    std::string* head = nullptr) {
  size_t off = 0;
  while (off < request.size()) {
    ssize_t n = ::send(sock, request.data() + off, request.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return 0;
    off += static_cast<size_t>(n);
  }
  std::string got;
  char buf[16384];
  size_t head_end = std::string::npos;
  size_t need = 0;
  while (true) {
    ssize_t n = ::recv(sock, buf, sizeof(buf), 0);
    if (n <= 0) return 0;
    got.append(buf, static_cast<size_t>(n));
    if (head_end == std::string::npos) {
      head_end = got.find("\r\n\r\n");
      if (head_end == std::string::npos) continue;
      const size_t length_at = got.find("Content-Length: ");
      size_t length = 0;
      if (length_at != std::string::npos && length_at < head_end) {
        length = std::strtoul(got.c_str() + length_at + 16, nullptr, 10);
      }
      need = head_end + 4 + length;
      const size_t close_at = got.find("Connection: close");
      *keep = close_at == std::string::npos || close_at > head_end;
    }
    if (got.size() >= need) break;
  }
  if (body != nullptr) body->assign(got, head_end + 4, need - head_end - 4);
  if (head != nullptr) head->assign(got, 0, head_end);
  return got.size() > 12 ? std::atoi(got.c_str() + 9) : 0;
}

// Percent-encodes everything but ASCII letters and digits, for a query string.
inline std::string PercentEncode(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c)) {
      out += static_cast<char>(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof(hex), "%%%02X", c);
      out += hex;
    }
  }
  return out;
}

}  // namespace tp::bench
