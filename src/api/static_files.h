// The dashboard's static files (web/dist) served at "/" without auth. Paths are confined to
// the directory ("..", absolute and hidden segments are refused); a path without a file
// extension that names no file gets index.html (client-side routes). Without a built dashboard
// "/" answers a short text page saying so. Thread-safe (reads only).
#pragma once

#include <httplib.h>

#include <string>

namespace winnow::api {

class StaticFiles {
 public:
  explicit StaticFiles(std::string dir);  // "" or a missing directory: nothing to serve
  bool available() const { return available_; }
  // Answers GET `raw_path` (still percent-encoded): the file, the text page, or 404 JSON.
  void serve(const std::string& raw_path, httplib::Response& res) const;

 private:
  std::string dir_;
  bool available_ = false;
};

// The Content-Type for a file name by its extension (application/octet-stream if unknown).
std::string content_type_for(const std::string& filename);

}  // namespace winnow::api
