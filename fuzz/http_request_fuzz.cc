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
#include <cstdint>
#include <cstdio>
#include <cstdlib>
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

// Sends `data`, half-closes, and reads the whole answer (the server closes the connection at
// EOF). Returns the bytes read.
std::string exchange(int port, const uint8_t* data, size_t size) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  fuzz_check(fd >= 0, "socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  fuzz_check(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0, "connect");
  size_t sent = 0;
  while (sent < size) {
    const ssize_t n = ::send(fd, data + sent, size - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may close early (e.g. 413)
    sent += static_cast<size_t>(n);
  }
  ::shutdown(fd, SHUT_WR);
  std::string out;
  char buf[16384];
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    // The server's own socket timeout is 2 s, so every input is answered within about that;
    // 60 s of silence is a hang even on a loaded machine. Open finding: after ~90 s of fuzzing
    // (load ~6) one request got no answer for 60 s, though alone it is answered in 71 ms: state
    // built by earlier inputs (fuzz/findings/http_request/). scripts/fuzz.sh allows 90 s.
    if (::poll(&p, 1, 60000) <= 0) {
      fuzz_check(false, "no answer within 60 s (hang)");
    }
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
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
