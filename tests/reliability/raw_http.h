// A deliberately dumb HTTP/1.1 client for hostile-input tests: sends exactly the bytes it is
// given on a fresh loopback connection and reads the answer with a deadline, so a server that
// hangs shows up as a timeout (status -1) instead of a stuck test. (The `winnow serve` child
// process is tests/fixtures/child_process.h.)
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "test_support.h"

namespace winnow::reliability {

struct RawResponse {
  int status = -1;  // -1: no answer (connect failure, timeout, closed without a status line)
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string error;  // why status is -1
};

inline std::string lower(std::string s) {
  for (char& c : s) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return s;
}

// Sends `request` to 127.0.0.1:port and reads the response; gives up after `timeout_ms`.
// Requests should carry "Connection: close" so the end of the answer is the end of the stream
// (Content-Length is honoured too; chunked bodies are decoded).
inline RawResponse raw_request(int port, const std::string& request, int timeout_ms = 15000) {
  RawResponse out;
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    out.error = "socket";
    return out;
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    out.error = "connect";
    return out;
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  auto remaining_ms = [&] {
    return static_cast<int>(std::max<int64_t>(
        0, std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                 std::chrono::steady_clock::now())
               .count()));
  };
  // Send (the server may answer early and close, e.g. 413: a failed send is not an error).
  size_t sent = 0;
  while (sent < request.size()) {
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, remaining_ms()) <= 0) break;
    const ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  std::string data;
  char buf[65536];
  size_t header_end = std::string::npos;
  int64_t content_length = -1;
  bool chunked = false;
  for (;;) {
    if (header_end != std::string::npos && content_length >= 0 &&
        data.size() >= header_end + static_cast<size_t>(content_length)) {
      break;
    }
    if (header_end != std::string::npos && chunked &&
        data.find("\r\n0\r\n\r\n", header_end - 2) != std::string::npos) {
      break;
    }
    const int wait = remaining_ms();
    if (wait == 0) {
      out.error = "timeout";
      break;
    }
    pollfd p{fd, POLLIN, 0};
    const int r = ::poll(&p, 1, wait);
    if (r <= 0) {
      out.error = "timeout";
      break;
    }
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;  // closed (or reset)
    data.append(buf, static_cast<size_t>(n));
    if (header_end == std::string::npos) {
      const size_t e = data.find("\r\n\r\n");
      if (e == std::string::npos) continue;
      header_end = e + 4;
      // Status line and headers.
      const size_t first_eol = data.find("\r\n");
      const std::string status_line = data.substr(0, first_eol);
      if (status_line.rfind("HTTP/1.", 0) == 0 && status_line.size() >= 12) {
        out.status = std::atoi(status_line.c_str() + 9);
      }
      size_t pos = first_eol + 2;
      while (pos < e) {
        const size_t eol = data.find("\r\n", pos);
        const std::string line = data.substr(pos, eol - pos);
        pos = eol + 2;
        const size_t colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.erase(0, 1);
        out.headers[lower(line.substr(0, colon))] = value;
      }
      if (auto it = out.headers.find("content-length"); it != out.headers.end()) {
        content_length = std::atoll(it->second.c_str());
      }
      if (auto it = out.headers.find("transfer-encoding"); it != out.headers.end()) {
        chunked = lower(it->second).find("chunked") != std::string::npos;
      }
    }
  }
  ::close(fd);
  if (header_end == std::string::npos) {
    out.status = -1;
    if (out.error.empty())
      out.error = "closed without a response (" + std::to_string(data.size()) + " bytes)";
    return out;
  }
  std::string body = data.substr(header_end);
  if (chunked) {
    std::string decoded;
    size_t pos = 0;
    while (pos < body.size()) {
      const size_t eol = body.find("\r\n", pos);
      if (eol == std::string::npos) break;
      const size_t n = std::strtoul(body.substr(pos, eol - pos).c_str(), nullptr, 16);
      if (n == 0) break;
      decoded += body.substr(eol + 2, n);
      pos = eol + 2 + n + 2;
    }
    body = decoded;
  } else if (content_length >= 0 && body.size() > static_cast<size_t>(content_length)) {
    body.resize(static_cast<size_t>(content_length));
  }
  out.body = std::move(body);
  return out;
}

// A model id as a path segment: its ':' percent-encoded.
inline std::string encode_model_id(const std::string& id) {
  std::string out;
  for (char c : id) out += c == ':' ? std::string("%3A") : std::string(1, c);
  return out;
}

// Builds a request: `head` lines are added as given, then Host, Connection: close and
// Content-Length (unless `head` has one or `no_length`).
inline std::string make_request(const std::string& method, const std::string& target,
                                const std::vector<std::string>& head, const std::string& body,
                                bool no_length = false) {
  std::string r = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  bool has_length = no_length;
  for (const std::string& h : head) {
    r += h + "\r\n";
    if (lower(h).rfind("content-length:", 0) == 0 || lower(h).rfind("transfer-encoding:", 0) == 0) {
      has_length = true;
    }
  }
  if (!has_length && (!body.empty() || method == "POST" || method == "PATCH" || method == "PUT")) {
    r += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  r += "\r\n";
  r += body;
  return r;
}

}  // namespace winnow::reliability
