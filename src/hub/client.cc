#include "hub/client.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <limits>
#include <optional>

#include "hub/fetch_state.h"

namespace winnow {
namespace {

// fsync costs ~15 ms on a VM disk; once per page would add minutes to a 18,000-page split. A
// killed process loses nothing either way (each page is one write(2)); only an OS crash can lose
// the last second, and resuming then refetches it.
constexpr std::chrono::milliseconds kSyncInterval{1000};

std::string describe(const HubFetchOptions& o) {
  return o.dataset + " (config " + o.config + ", split " + o.split + ")";
}

// Keeps the status code and says how to carry on: every complete row fetched so far is on disk.
Status with_resume_hint(const Status& status, const HubFetchOptions& o, uint64_t rows_saved) {
  if (rows_saved == 0) return status;
  return {status.code(), status.message() + " [" + std::to_string(rows_saved) + " rows saved in " +
                             o.out_path + "; run again to resume]"};
}

Status check_options(const HubFetchOptions& o) {
  if (o.dataset.empty() || o.config.empty() || o.split.empty()) {
    return Status::invalid_argument("hub fetch needs a dataset, a config and a split");
  }
  if (o.out_path.empty()) return Status::invalid_argument("hub fetch needs an output path");
  if (o.page_rows < 1 || o.page_rows > kHubPageRowsMax) {
    return Status::invalid_argument("hub page_rows must be in 1.." +
                                    std::to_string(kHubPageRowsMax) + ", got " +
                                    std::to_string(o.page_rows));
  }
  return Status::ok();
}

// Refuses to mix rows of two requests in one file, and never takes over a file we did not write.
Status check_existing_output(const HubFetchOptions& o, const std::optional<HubFetchState>& state) {
  std::error_code ec;
  bool out_exists = std::filesystem::exists(o.out_path, ec);
  if (state) {
    if (state->dataset != o.dataset || state->config != o.config || state->split != o.split) {
      return Status::failed_precondition(
          o.out_path + " holds rows of " + state->dataset + " (config " + state->config +
          ", split " + state->split + "), not of " + describe(o) +
          "; choose another output or delete it and " + hub_state_path(o.out_path));
    }
  } else if (out_exists && std::filesystem::file_size(o.out_path, ec) > 0 && !ec) {
    return Status::already_exists(o.out_path + " exists and is not the output of a hub fetch (no " +
                                  hub_state_path(o.out_path) + "); not overwriting it");
  }
  return Status::ok();
}

std::string rows_query(const HubFetchOptions& o, uint64_t offset, uint64_t length) {
  return "/rows?dataset=" + hub_url_encode(o.dataset) + "&config=" + hub_url_encode(o.config) +
         "&split=" + hub_url_encode(o.split) + "&offset=" + std::to_string(offset) +
         "&length=" + std::to_string(length);
}

// The first `rows` lines of a page's JSONL (a server may send more rows than asked for).
std::string_view first_lines(std::string_view jsonl, uint64_t rows) {
  size_t end = 0;
  for (uint64_t i = 0; i < rows; ++i) end = jsonl.find('\n', end) + 1;
  return jsonl.substr(0, end);
}

}  // namespace

Result<HubFetchResult> fetch_hub_split(const HubFetchOptions& o, const HubProgress& progress) {
  WINNOW_RETURN_IF_ERROR(check_options(o));
  const std::string state_path = hub_state_path(o.out_path);
  WINNOW_ASSIGN_OR_RETURN(std::optional<HubFetchState> state, read_hub_fetch_state(state_path));
  WINNOW_RETURN_IF_ERROR(check_existing_output(o, state));
  std::error_code ec;
  if (!std::filesystem::exists(o.out_path, ec)) state.reset();  // a stale sidecar alone

  const uint64_t limit = o.max_rows == 0 ? std::numeric_limits<uint64_t>::max() : o.max_rows;
  WINNOW_ASSIGN_OR_RETURN(uint64_t have, keep_complete_lines(o.out_path, limit));
  HubFetchResult result;
  result.resumed = have > 0;
  std::optional<uint64_t> wanted;
  if (state) {
    if (have > state->num_rows_total) {
      return Status::failed_precondition(o.out_path + " has " + std::to_string(have) +
                                         " rows but the split had " +
                                         std::to_string(state->num_rows_total));
    }
    wanted = std::min(limit, state->num_rows_total);
    result.rows_total_in_split = state->num_rows_total;
    result.partial_split = state->partial;
  }
  if (wanted && have >= *wanted) {  // already complete: no request at all
    result.rows_written = have;
    if (progress) progress(have, *wanted);
    return result;
  }

  WINNOW_ASSIGN_OR_RETURN(auto http, HubHttpClient::create(o.connection));
  std::optional<DurableAppender> out;
  auto last_sync = std::chrono::steady_clock::now();
  uint64_t offset = have;
  uint64_t page_rows = static_cast<uint64_t>(o.page_rows);
  while (!wanted || offset < *wanted) {
    const uint64_t length = std::min(page_rows, (wanted ? *wanted : limit) - offset);
    const std::string query = rows_query(o, offset, length);
    Result<std::string> body = http->get(query);
    if (!body.is_ok()) return with_resume_hint(body.status(), o, offset);
    Result<HubRowsPage> parsed = parse_hub_rows_page(body.value(), offset);
    if (!parsed.is_ok()) {
      return with_resume_hint(
          parsed.status().with_context("GET " + http->url(query) + ": malformed page"), o, offset);
    }
    HubRowsPage& page = parsed.value();
    if (page.has_truncated_cells) {
      // The server cuts cells to keep a response under its size limit; fewer rows per page
      // leave more room for each. The smaller page size is kept for the rest of the split.
      if (length > 1) {
        page_rows = length / 2;
        continue;
      }
      return with_resume_hint(
          Status::corruption("GET " + http->url(query) + ": the server truncates " +
                             page.truncated_example + " even when it is alone on a page"),
          o, offset);
    }

    if (state && page.num_rows_total != state->num_rows_total) {
      return Status::failed_precondition(
          describe(o) + " now has " + std::to_string(page.num_rows_total) + " rows but " +
          std::to_string(state->num_rows_total) + " when " + o.out_path +
          " was started: the dataset changed; delete it and " + state_path + " to start over");
    }
    if (!state) {
      state = HubFetchState{o.dataset, o.config, o.split, page.num_rows_total, page.partial};
      WINNOW_RETURN_IF_ERROR(write_hub_fetch_state(state_path, *state));
    }
    wanted = std::min(limit, page.num_rows_total);
    if (!out) {
      WINNOW_ASSIGN_OR_RETURN(DurableAppender appender, DurableAppender::open(o.out_path));
      out.emplace(std::move(appender));
    }
    const uint64_t rows = std::min(page.row_count, *wanted - std::min(offset, *wanted));
    if (rows == 0 && offset < *wanted) {
      return with_resume_hint(
          Status::corruption("GET " + http->url(query) + ": no rows at offset " +
                             std::to_string(offset) + " although the split has " +
                             std::to_string(page.num_rows_total)),
          o, offset);
    }
    Status appended = out->append(first_lines(page.jsonl, rows));
    if (appended.is_ok() && std::chrono::steady_clock::now() - last_sync >= kSyncInterval) {
      appended = out->sync();
      last_sync = std::chrono::steady_clock::now();
    }
    if (!appended.is_ok()) return with_resume_hint(appended, o, offset);
    offset += rows;
    result.rows_fetched += rows;
    if (progress && !progress(offset, *wanted)) {
      return with_resume_hint(Status::cancelled("hub fetch of " + describe(o) + " cancelled"), o,
                              offset);
    }
  }
  if (out) WINNOW_RETURN_IF_ERROR(out->sync());
  result.rows_written = offset;
  result.rows_total_in_split = state->num_rows_total;
  result.partial_split = state->partial;
  return result;
}

Result<std::vector<HubSplit>> list_hub_splits(const HubConnectionOptions& connection,
                                              const std::string& dataset) {
  if (dataset.empty()) return Status::invalid_argument("listing splits needs a dataset");
  WINNOW_ASSIGN_OR_RETURN(auto http, HubHttpClient::create(connection));
  const std::string query = "/splits?dataset=" + hub_url_encode(dataset);
  WINNOW_ASSIGN_OR_RETURN(std::string body, http->get(query));
  Result<std::vector<HubSplit>> splits = parse_hub_splits(body);
  if (!splits.is_ok()) {
    return splits.status().with_context("GET " + http->url(query) + ": malformed response");
  }
  return splits;
}

}  // namespace winnow
