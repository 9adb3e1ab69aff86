// Downloads one file over HTTP(S) to disk, streamed (memory does not grow with the file),
// resumable and retried: the hub's Parquet files (parquet.h) are tens to hundreds of MB.
//
// - Bytes go to `out_path` as they arrive. If it already holds bytes (an interrupted earlier
//   download), the request asks for the rest with `Range: bytes=N-`; a server that answers 200
//   instead of 206 is read from the start again.
// - Connection errors, timeouts, HTTP 408, 429 and 5xx are retried like HubHttpClient::get
//   (options.max_retries, exponential backoff, Retry-After), each retry resuming where the file
//   ends; other 4xx fail at once (404 kNotFound, 401/403 kFailedPrecondition).
// - Redirects (301, 302, 303, 307, 308; at most 10) are followed. The bearer token is sent only
//   to the endpoint's own origin and to https://huggingface.co, and never after a redirect to
//   another origin (the hub redirects file downloads to signed CDN URLs that need no token).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "core/status.h"
#include "hub/http.h"

namespace winnow {

// (bytes on disk, total bytes if known else 0) while downloading; return false to cancel.
using HubDownloadProgress = std::function<bool(uint64_t done, uint64_t total)>;

// Downloads `url` (absolute http(s) URL, already percent-encoded) into `out_path`, appending to
// what is there. Returns the file's size when the server has sent everything. Errors name the URL
// (and the redirect chain's last URL); kCancelled when `progress` returned false; out_path then
// keeps the bytes received, so calling again resumes.
Result<uint64_t> hub_download(const HubConnectionOptions& options, const std::string& url,
                              const std::string& out_path, const HubDownloadProgress& progress);

}  // namespace winnow
