// Fuzzes the server's HTTP request handling in process: the input bytes are sent, as they are,
// as one connection's worth of request data to a real api::Server (cpp-httplib parsing,
// routing, auth, body limits, JSON bodies, multipart uploads, every handler) running on a
// loopback port in this process, with a scratch data directory. The write side is shut down
// after the bytes, so an incomplete request ends at EOF instead of waiting for a timeout.
// Properties: the server never crashes (ASan/UBSan abort in its threads), never answers 5xx
// (an unexpected exception or unmapped error), and every answer has a status line.
// Auth is off so inputs reach the handlers; an initial upload gives the corpus a real file id
// (printed at start-up) and a model id namespace to aim at.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>

#include "api/server.h"
#include "fuzz_support.h"

namespace {

using winnow::fuzz::fuzz_check;

struct Harness {
  std::unique_ptr<winnow::api::Server> server;
  std::thread thread;
  int port = 0;
};

Harness* start() {
  auto* h = new Harness;
  // In the scratch directory (/dev/shm when it exists): the store's fsyncs (uploads, SQLite
  // commits) then never wait on a disk that other processes keep busy.
  const std::string dir = winnow::fuzz::scratch_dir() + "/http-data";
  winnow::api::ServerOptions o;
  o.host = "127.0.0.1";
  o.port = 0;
  o.data_dir = dir;
  o.require_auth = false;
  o.access_log = false;
  o.max_upload_bytes = size_t{1} << 20;
  o.max_json_body_bytes = size_t{1} << 20;
  o.max_inputs_per_classification = 64;
  o.request_timeout_s = 2;
  o.thread_pool_size = 4;
  o.workers = 1;
  o.train_threads = 1;
  auto created = winnow::api::Server::create(o);
  fuzz_check(created.is_ok(), "server create: " + created.status().to_string());
  h->server = std::move(*created);
  fuzz_check(h->server->bind().is_ok(), "server bind");
  fuzz_check(h->server->start_jobs().is_ok(), "job service start");
  h->port = h->server->port();
  h->thread = std::thread([h] { h->server->run(); });
  // Never stopped or destroyed: the process exits with the server thread running.
  return h;
}

// libFuzzer's -timeout arms a periodic SIGALRM (every timeout/2 + 1 s) that lands on any thread,
// so every blocking call here may return EINTR; each one is retried, and the wait for the
// answer keeps one deadline across retries. (An earlier version took poll()'s EINTR for a
// 60 s silence: the "hang" findings it filed were the harness's own; their inputs are seeds now,
// fuzz/corpus/http_request/get_with_body_then_garbage.http.)
constexpr int kAnswerDeadlineMs = 60000;

void connect_or_die(int fd, int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) return;
  // An interrupted connect() goes on in the background: wait for it to finish.
  fuzz_check(errno == EINTR || errno == EINPROGRESS,
             std::string("connect: ") + std::strerror(errno));
  for (;;) {
    pollfd p{fd, POLLOUT, 0};
    const int r = ::poll(&p, 1, kAnswerDeadlineMs);
    if (r < 0 && errno == EINTR) continue;
    fuzz_check(r > 0, "connect: no answer within 60 s");
    break;
  }
  int err = 0;
  socklen_t len = sizeof err;
  fuzz_check(::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0,
             std::string("connect: ") + std::strerror(err));
}

// Sends `data`, half-closes, and reads the whole answer (the server closes the connection at
// EOF). Returns the bytes read.
std::string exchange(int port, const uint8_t* data, size_t size) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  fuzz_check(fd >= 0, "socket");
  connect_or_die(fd, port);
  size_t sent = 0;
  while (sent < size) {
    const ssize_t n = ::send(fd, data + sent, size - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // the server may close early (e.g. 413)
    sent += static_cast<size_t>(n);
  }
  ::shutdown(fd, SHUT_WR);
  std::string out;
  char buf[16384];
  // The server's own socket timeout is 2 s, so every input is answered within about that;
  // 60 s of silence is a hang even on a loaded machine.
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(kAnswerDeadlineMs);
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    pollfd p{fd, POLLIN, 0};
    const int r = left > 0 ? ::poll(&p, 1, static_cast<int>(left)) : 0;
    if (r < 0 && errno == EINTR) continue;
    fuzz_check(r > 0, r == 0 ? "no answer within 60 s (hang)"
                             : std::string("poll: ") + std::strerror(errno));
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  // This end sent the first FIN, so its port waits in TIME_WAIT for 60 s: a run holds ~12,000
  // of them, and on loopback the kernel reuses them (net.ipv4.tcp_tw_reuse, 2 by default);
  // with reuse off, connect() fails with "Cannot assign requested address" once ports run out.
  ::close(fd);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Harness* h = start();
  const std::string answer = exchange(h->port, data, size);
  // Every response on the connection (status line, headers, Content-Length body): none may
  // be a 5xx.
  size_t pos = 0;
  while (pos + 12 <= answer.size() && answer.compare(pos, 7, "HTTP/1.") == 0) {
    const int status = std::atoi(answer.c_str() + pos + 9);
    if (status >= 500) {
      std::fprintf(stderr, "5xx answer:\n%s\n", answer.substr(pos, 600).c_str());
      fuzz_check(false, "the server answered 5xx");
    }
    const size_t end = answer.find("\r\n\r\n", pos);
    if (end == std::string::npos) break;
    size_t length = 0;
    for (size_t line = answer.find("\r\n", pos) + 2; line < end;) {
      const size_t eol = answer.find("\r\n", line);
      std::string header = answer.substr(line, eol - line);
      for (char& c : header) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (header.rfind("content-length:", 0) == 0) {
        length = std::strtoull(header.c_str() + 15, nullptr, 10);
      }
      line = eol + 2;
    }
    pos = end + 4 + length;
  }
  return 0;
}
