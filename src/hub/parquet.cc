#include "hub/parquet.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "hub/download.h"
#include "parquet/parquet_reader.h"

namespace winnow {
namespace {

constexpr char kSidecar[] = "hub-parquet.json";

bool plain_parquet_name(const std::string& name) {
  if (name.size() < 9 || name.size() > 200 || name.compare(name.size() - 8, 8, ".parquet") != 0)
    return false;
  if (name[0] == '.') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
}

struct CachedFile {
  std::string filename;
  uint64_t size_bytes = 0;
  int64_t rows = -1;  // -1: not downloaded yet
};

struct Sidecar {
  std::string dataset, config, split;
  bool partial = false;
  std::vector<HubParquetFile> files;
  std::vector<int64_t> rows;  // parallel to files; -1 until downloaded
};

std::optional<Sidecar> read_sidecar(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  try {
    const nlohmann::json j = nlohmann::json::parse(in);
    Sidecar s;
    s.dataset = j.at("dataset");
    s.config = j.at("config");
    s.split = j.at("split");
    s.partial = j.value("partial", false);
    for (const auto& f : j.at("files")) {
      s.files.push_back({f.at("url"), f.at("filename"), f.at("size")});
      s.rows.push_back(f.value("rows", static_cast<int64_t>(-1)));
    }
    return s;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;  // damaged: listed again and rewritten
  }
}

Status write_sidecar(const std::filesystem::path& path, const Sidecar& s) {
  nlohmann::json files = nlohmann::json::array();
  for (size_t i = 0; i < s.files.size(); ++i) {
    files.push_back({{"filename", s.files[i].filename},
                     {"url", s.files[i].url},
                     {"size", s.files[i].size_bytes},
                     {"rows", s.rows[i]}});
  }
  const nlohmann::json j = {{"dataset", s.dataset},
                            {"config", s.config},
                            {"split", s.split},
                            {"partial", s.partial},
                            {"files", files}};
  return write_file_atomically(path.string(), j.dump(2) + "\n");
}

// Rows of the complete file at `path`, from its footer; a file that does not open is corrupt.
Result<int64_t> rows_of(const std::string& path) {
  WINNOW_ASSIGN_OR_RETURN(auto file, parquet::ParquetFile::open(path));
  return file->metadata().num_rows;
}

}  // namespace

Result<HubParquetListing> parse_hub_parquet_listing(std::string_view body,
                                                    const std::string& config,
                                                    const std::string& split) {
  const nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("parquet_files") || !j["parquet_files"].is_array()) {
    return Status::corruption("expected an object with a \"parquet_files\" array");
  }
  HubParquetListing listing;
  if (j.contains("partial") && j["partial"].is_boolean())
    listing.partial = j["partial"].get<bool>();
  size_t index = 0;
  for (const auto& f : j["parquet_files"]) {
    const std::string where = "parquet_files[" + std::to_string(index++) + "]";
    if (!f.is_object() || !f.contains("config") || !f["config"].is_string() ||
        !f.contains("split") || !f["split"].is_string()) {
      return Status::corruption(where +
                                ": expected an object with \"config\" and \"split\" strings");
    }
    if (f["config"] != config || f["split"] != split) continue;
    if (!f.contains("url") || !f["url"].is_string() || !f.contains("filename") ||
        !f["filename"].is_string() || !f.contains("size") || !f["size"].is_number_unsigned()) {
      return Status::corruption(where + ": expected \"url\", \"filename\" strings and a \"size\"");
    }
    HubParquetFile file{f["url"].get<std::string>(), f["filename"].get<std::string>(),
                        f["size"].get<uint64_t>()};
    if (!plain_parquet_name(file.filename)) {
      return Status::corruption(where + ": file name '" + file.filename +
                                "' is not a plain *.parquet name");
    }
    if (file.url.rfind("http://", 0) != 0 && file.url.rfind("https://", 0) != 0) {
      return Status::corruption(where + ": url '" + file.url + "' is not http(s)");
    }
    listing.files.push_back(std::move(file));
  }
  std::sort(
      listing.files.begin(), listing.files.end(),
      [](const HubParquetFile& a, const HubParquetFile& b) { return a.filename < b.filename; });
  for (size_t i = 1; i < listing.files.size(); ++i) {
    if (listing.files[i].filename == listing.files[i - 1].filename) {
      return Status::corruption("file '" + listing.files[i].filename + "' is listed twice");
    }
  }
  return listing;
}

Result<HubParquetFetchResult> fetch_hub_parquet_split(const HubParquetFetchOptions& o,
                                                      const HubParquetProgress& progress) {
  if (o.dataset.empty() || o.config.empty() || o.split.empty() || o.out_dir.empty()) {
    return Status::invalid_argument(
        "hub Parquet fetch needs a dataset, a config, a split and an output directory");
  }
  const std::filesystem::path dir(o.out_dir);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::io_error(o.out_dir + ": cannot create directory: " + ec.message());
  const std::filesystem::path sidecar_path = dir / kSidecar;
  const std::string what = o.dataset + " (config " + o.config + ", split " + o.split + ")";
  HubParquetFetchResult result;
  result.dir = o.out_dir;
  const uint64_t limit = o.max_rows == 0 ? UINT64_MAX : o.max_rows;

  std::optional<Sidecar> cached = read_sidecar(sidecar_path);
  if (cached &&
      (cached->dataset != o.dataset || cached->config != o.config || cached->split != o.split)) {
    return Status::failed_precondition(o.out_dir + " holds Parquet files of " + cached->dataset +
                                       " (config " + cached->config + ", split " + cached->split +
                                       "), not of " + what + "; choose another cache or delete it");
  }
  // Files needed for the first `limit` rows, given the row counts known so far: the index of the
  // first file not yet on disk that is still needed, or files.size() when none is.
  auto first_missing = [&](const Sidecar& s) {
    uint64_t rows = 0;
    for (size_t i = 0; i < s.files.size(); ++i) {
      if (rows >= limit) return s.files.size();
      if (s.rows[i] < 0 || !std::filesystem::exists(dir / s.files[i].filename)) return i;
      rows += static_cast<uint64_t>(s.rows[i]);
    }
    return s.files.size();
  };

  Sidecar state;
  if (cached && first_missing(*cached) == cached->files.size()) {
    state = *cached;  // everything needed is here: no request
  } else {
    WINNOW_ASSIGN_OR_RETURN(auto http, HubHttpClient::create(o.connection));
    const std::string query =
        "/parquet?dataset=" + hub_url_encode(o.dataset) + "&config=" + hub_url_encode(o.config);
    WINNOW_ASSIGN_OR_RETURN(std::string body, http->get(query));
    ++result.requests;
    Result<HubParquetListing> listing = parse_hub_parquet_listing(body, o.config, o.split);
    if (!listing.is_ok())
      return listing.status().with_context("GET " + http->url(query) + ": malformed listing");
    if (listing.value().files.empty()) {
      return Status::not_found("GET " + http->url(query) + ": no Parquet files for " + what);
    }
    state.dataset = o.dataset;
    state.config = o.config;
    state.split = o.split;
    state.partial = listing.value().partial;
    state.files = listing.value().files;
    state.rows.assign(state.files.size(), -1);
    if (cached) {
      // Keep the row counts of files already here, unless the listing changed under them.
      for (size_t i = 0; i < state.files.size(); ++i) {
        for (size_t k = 0; k < cached->files.size(); ++k) {
          if (cached->files[k].filename != state.files[i].filename) continue;
          if (cached->files[k].size_bytes != state.files[i].size_bytes &&
              std::filesystem::exists(dir / state.files[i].filename)) {
            return Status::failed_precondition(
                what + ": " + state.files[i].filename + " is now " +
                std::to_string(state.files[i].size_bytes) + " bytes but was " +
                std::to_string(cached->files[k].size_bytes) + " when " + o.out_dir +
                " was started: the dataset changed; delete that directory to start over");
          }
          state.rows[i] = cached->rows[k];
        }
      }
    }
    WINNOW_RETURN_IF_ERROR(write_sidecar(sidecar_path, state));
  }

  // Download what is needed, in order.
  uint64_t wanted_bytes = 0;
  for (size_t i = first_missing(state); i < state.files.size(); ++i)
    wanted_bytes += state.files[i].size_bytes;
  uint64_t done_bytes = 0;
  for (size_t i = first_missing(state); i < state.files.size(); i = first_missing(state)) {
    const HubParquetFile& f = state.files[i];
    const std::filesystem::path final_path = dir / f.filename;
    const std::filesystem::path part_path = dir / (f.filename + ".part");
    if (!std::filesystem::exists(final_path)) {
      const uint64_t before =
          std::filesystem::exists(part_path) ? std::filesystem::file_size(part_path, ec) : 0;
      Result<uint64_t> size =
          hub_download(o.connection, f.url, part_path.string(), [&](uint64_t done, uint64_t) {
            return !progress || progress(done_bytes + done, wanted_bytes);
          });
      ++result.requests;
      if (!size.is_ok()) return size.status().with_context(what + ", " + f.filename);
      result.bytes_downloaded += size.value() - std::min(before, size.value());
      if (size.value() != f.size_bytes) {
        std::filesystem::remove(part_path, ec);
        return Status::corruption(what + ": " + f.filename + " arrived with " +
                                  std::to_string(size.value()) + " bytes but the listing says " +
                                  std::to_string(f.size_bytes) +
                                  " (deleted; run again to download it anew)");
      }
      Result<int64_t> rows = rows_of(part_path.string());
      if (!rows.is_ok()) {
        std::filesystem::remove(part_path, ec);
        return Status::corruption(
            what + ": " + f.filename +
            " is not a valid Parquet file (deleted; run again): " + rows.status().message());
      }
      std::filesystem::rename(part_path, final_path, ec);
      if (ec) return Status::io_error(final_path.string() + ": cannot rename: " + ec.message());
      state.rows[i] = rows.value();
    } else {
      WINNOW_ASSIGN_OR_RETURN(state.rows[i], rows_of(final_path.string()));
    }
    done_bytes += f.size_bytes;
    WINNOW_RETURN_IF_ERROR(write_sidecar(sidecar_path, state));
  }
  // Files past the ones needed may be on disk from an earlier, larger request: they stay (and
  // the row limit cuts them off); those the listing no longer has are removed so the directory
  // reader does not see them.
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() < 8 || name.compare(name.size() - 8, 8, ".parquet") != 0) continue;
    const bool listed = std::any_of(state.files.begin(), state.files.end(),
                                    [&](const HubParquetFile& f) { return f.filename == name; });
    if (!listed) std::filesystem::remove(entry.path(), ec);
  }
  for (size_t i = 0; i < state.files.size(); ++i) {
    if (state.rows[i] >= 0 && std::filesystem::exists(dir / state.files[i].filename)) {
      result.rows_on_disk += static_cast<uint64_t>(state.rows[i]);
    } else {
      break;  // the reader must see a prefix of the split: later files would leave a gap
    }
  }
  // A file past a gap (an earlier larger request downloaded it, a later one is missing before
  // it) would be read out of order: remove it.
  bool gap = false;
  for (size_t i = 0; i < state.files.size(); ++i) {
    const bool here = state.rows[i] >= 0 && std::filesystem::exists(dir / state.files[i].filename);
    if (!here) gap = true;
    if (here && gap) std::filesystem::remove(dir / state.files[i].filename, ec);
  }
  result.row_limit = std::min(limit, result.rows_on_disk);
  result.partial_split = state.partial;
  if (progress) progress(wanted_bytes, wanted_bytes);
  return result;
}

}  // namespace winnow
