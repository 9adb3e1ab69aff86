#include "api/static_files.h"

#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "api/error_texts.h"
#include "api/responses.h"
#include "api/url.h"

namespace winnow::api {
namespace {

constexpr const char* kNotBuiltPage =
    "Winnow is running.\n\n"
    "The web dashboard is not built: run `npm ci && npm run build` in web/ (or start\n"
    "`winnow serve --web-dir DIR` with a built dashboard). The API is at /v1/ and its\n"
    "description at /v1/openapi.json.\n";

bool regular_file(const std::string& path, int64_t* size) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  *size = st.st_size;
  return true;
}

}  // namespace

std::string content_type_for(const std::string& filename) {
  const std::string ext = std::filesystem::path(filename).extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json" || ext == ".map") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".woff") return "font/woff";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

StaticFiles::StaticFiles(std::string dir) : dir_(std::move(dir)) {
  std::error_code ec;
  available_ = !dir_.empty() && std::filesystem::is_directory(dir_, ec);
}

void StaticFiles::serve(const std::string& raw_path, httplib::Response& res) const {
  if (!available_) {
    if (raw_path == "/" || raw_path.empty()) {
      res.status = 200;
      res.set_content(kNotBuiltPage, "text/plain; charset=utf-8");
    } else {
      send_detail(res, 404, kNotFoundText);
    }
    return;
  }
  std::string rel;
  bool has_extension = false;
  for (std::string_view seg : path_segments(raw_path)) {
    std::optional<std::string> d = percent_decode(seg, false);
    if (!d || d->empty() || d->front() == '.' || d->find('/') != std::string::npos ||
        d->find('\\') != std::string::npos || d->find('\0') != std::string::npos) {
      if (d && d->empty()) continue;
      send_detail(res, 404, kNotFoundText);
      return;
    }
    rel += "/" + *d;
    has_extension = d->find('.') != std::string::npos;
  }
  std::string path = dir_ + (rel.empty() ? "/index.html" : rel);
  int64_t size = 0;
  if (!regular_file(path, &size)) {
    if (has_extension || !regular_file(dir_ + "/index.html", &size)) {
      send_detail(res, 404, kNotFoundText);
      return;
    }
    path = dir_ + "/index.html";
  }
  std::shared_ptr<FILE> file(std::fopen(path.c_str(), "rb"), [](FILE* f) {
    if (f != nullptr) std::fclose(f);
  });
  if (!file) {
    send_detail(res, 404, kNotFoundText);
    return;
  }
  res.status = 200;
  // Hashed asset names never change; index.html must be re-fetched to see new builds.
  res.set_header("Cache-Control",
                 rel.starts_with("/assets/") ? "public, max-age=31536000, immutable" : "no-cache");
  res.set_content_provider(static_cast<size_t>(size), content_type_for(path),
                           [file](size_t offset, size_t length, httplib::DataSink& sink) {
                             char buf[65536];
                             if (std::fseek(file.get(), static_cast<long>(offset), SEEK_SET) != 0)
                               return false;
                             const size_t n =
                                 std::fread(buf, 1, std::min(length, sizeof buf), file.get());
                             if (n == 0) return false;
                             return sink.write(buf, n);
                           });
}

}  // namespace winnow::api
