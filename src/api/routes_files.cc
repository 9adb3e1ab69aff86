// Files: F1 upload, F2 list, F3 retrieve, F4 delete, F5 download, F6 signed URL (docs/api.md).
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>

#include "api/auth.h"
#include "api/error_texts.h"
#include "api/openapi.h"
#include "api/query_args.h"
#include "api/responses.h"
#include "api/service_context.h"
#include "api/static_files.h"
#include "api/wire_json.h"

namespace winnow::api {
namespace {

constexpr size_t kFormFieldMaxBytes = 4096;  // purpose, visibility, expiry
constexpr size_t kMultipartOverheadBytes = size_t{1} << 20;

int64_t now_s() { return static_cast<int64_t>(std::time(nullptr)); }

// A read-only mapping of a whole file (empty files map to an empty view).
class MappedFile {
 public:
  static Result<std::unique_ptr<MappedFile>> open(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Status::io_error(path + ": cannot open");
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      ::close(fd);
      return Status::io_error(path + ": cannot stat");
    }
    auto m = std::make_unique<MappedFile>();
    m->size_ = static_cast<size_t>(st.st_size);
    if (m->size_ > 0) {
      void* p = ::mmap(nullptr, m->size_, PROT_READ, MAP_PRIVATE, fd, 0);
      if (p == MAP_FAILED) {
        ::close(fd);
        return Status::io_error(path + ": cannot map");
      }
      m->data_ = p;
    }
    ::close(fd);
    return m;
  }
  MappedFile() = default;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile() {
    if (data_ != nullptr) ::munmap(data_, size_);
  }
  std::string_view view() const {
    return data_ == nullptr ? std::string_view()
                            : std::string_view(static_cast<const char*>(data_), size_);
  }

 private:
  void* data_ = nullptr;
  size_t size_ = 0;
};

// Removes a path when it goes out of scope.
struct ScopedUnlink {
  std::string path;
  ~ScopedUnlink() {
    if (!path.empty()) ::unlink(path.c_str());
  }
};

void upload(ServiceContext& ctx, ApiCall& call) {
  const httplib::Request& req = call.http;
  httplib::Response& res = call.response;
  const size_t limit = ctx.options.max_upload_bytes;
  const std::string content_length = req.get_header_value("Content-Length");
  if (!content_length.empty()) {
    std::optional<int64_t> n = parse_int(content_length);
    if (n && static_cast<uint64_t>(*n) > limit + kMultipartOverheadBytes) {
      res.set_header("Connection", "close");
      send_detail(res, 413, "File too large: the limit is " + std::to_string(limit) + " bytes");
      return;
    }
  }
  FieldErrors errors;
  const bool has_body = announces_body(req);
  if (!req.is_multipart_form_data() || !has_body) {
    if (call.content_reader != nullptr && has_body && !req.is_multipart_form_data()) {
      size_t total = 0;
      (*call.content_reader)([&](const char*, size_t n) {
        total += n;
        return total <= limit + kMultipartOverheadBytes;
      });
    }
    errors.missing(nlohmann::json::array({"body", "file"}));
    errors.send(res);
    return;
  }

  const std::string tmp_dir = (std::filesystem::path(ctx.options.data_dir) / "upload-tmp").string();
  std::error_code ec;
  std::filesystem::create_directories(tmp_dir, ec);
  ScopedUnlink tmp{tmp_dir + "/" + random_hex_id()};
  std::unique_ptr<FILE, int (*)(FILE*)> out(nullptr, &std::fclose);

  std::string part_name, filename;
  bool have_file = false, too_large = false, write_failed = false, field_too_long = false;
  size_t file_bytes = 0;
  std::map<std::string, std::string> fields;
  bool ok = (*call.content_reader)(
      [&](const httplib::MultipartFormData& part) {
        part_name = part.name;
        if (part.name == "file") {
          if (have_file) return true;  // a second "file" part is ignored
          have_file = true;
          filename = part.filename.empty() ? "blob" : part.filename;
          out.reset(std::fopen(tmp.path.c_str(), "wb"));
          if (!out) write_failed = true;
        }
        return !write_failed;
      },
      [&](const char* data, size_t n) {
        if (part_name == "file") {
          if (!out) return true;
          file_bytes += n;
          if (file_bytes > limit) {
            too_large = true;
            return false;
          }
          if (std::fwrite(data, 1, n, out.get()) != n) {
            write_failed = true;
            return false;
          }
          return true;
        }
        std::string& v = fields[part_name];
        if (v.size() + n > kFormFieldMaxBytes) {
          field_too_long = true;
          return false;
        }
        v.append(data, n);
        return true;
      });
  if (out && std::fflush(out.get()) != 0) write_failed = true;
  out.reset();
  if (too_large) {
    res.set_header("Connection", "close");
    send_detail(res, 413, "File too large: the limit is " + std::to_string(limit) + " bytes");
    return;
  }
  if (write_failed) {
    send_error(ctx, call, Status::io_error(tmp.path + ": cannot write the upload"));
    return;
  }
  if (field_too_long) {
    res.set_header("Connection", "close");
    send_detail(res, 413,
                "A form field is longer than " + std::to_string(kFormFieldMaxBytes) + " bytes");
    return;
  }
  if (!ok) {
    res.set_header("Connection", "close");
    send_detail(res, 400, "Malformed multipart body");
    return;
  }
  if (!have_file) {
    errors.missing(nlohmann::json::array({"body", "file"}));
    errors.send(res);
    return;
  }
  if (file_bytes == 0) {
    errors.add("value_error", nlohmann::json::array({"body", "file"}),
               "Value error, the file is empty");
    errors.send(res);
    return;
  }

  store::FileRecord meta;
  meta.workspace = call.workspace;
  meta.filename = filename;
  if (auto it = fields.find("purpose"); it != fields.end() && !it->second.empty()) {
    if (it->second != "fine-tune" && it->second != "batch" && it->second != "ocr") {
      errors.add("enum", nlohmann::json::array({"body", "purpose"}),
                 "Input should be 'fine-tune', 'batch' or 'ocr'", it->second);
    }
    meta.purpose = it->second;
  }
  if (auto it = fields.find("visibility"); it != fields.end() && !it->second.empty()) {
    if (it->second != "workspace" && it->second != "user") {
      errors.add("enum", nlohmann::json::array({"body", "visibility"}),
                 "Input should be 'workspace' or 'user'", it->second);
    }
    meta.visibility = it->second;
  }
  if (auto it = fields.find("expiry"); it != fields.end() && !it->second.empty()) {
    std::optional<int64_t> hours = parse_int(it->second);
    if (!hours || *hours < 1 || *hours > 24 * 365 * 100) {
      errors.add("int_parsing", nlohmann::json::array({"body", "expiry"}),
                 "Input should be a positive whole number of hours", it->second);
    } else {
      meta.expires_at = ctx.store.now() + *hours * 3600;
    }
  }
  if (!errors.empty()) {
    errors.send(res);
    return;
  }
  if (meta.purpose == "batch") meta.sample_type = "batch_request";
  Result<std::unique_ptr<MappedFile>> mapped = MappedFile::open(tmp.path);
  if (!mapped.is_ok()) {
    send_error(ctx, call, mapped.status());
    return;
  }
  Result<store::FileRecord> stored = ctx.store.add_file(std::move(meta), (*mapped)->view());
  if (!stored.is_ok()) {
    send_error(ctx, call, stored.status());
    return;
  }
  send_json(res, 200, file_json(*stored, false));
}

void list_files(ServiceContext& ctx, ApiCall& call) {
  FieldErrors errors;
  store::FileQuery q;
  q.page = query_int(call, "page", 0, 0, INT32_MAX, &errors);
  q.page_size = query_int(call, "page_size", 100, 1, 10000, &errors);
  const bool include_total = query_bool(call, "include_total", true, &errors);
  if (auto v = call.query.get("purpose"); v && !v->empty()) q.purpose = *v;
  if (auto v = call.query.get("search"); v && !v->empty()) q.search = *v;
  q.sample_types = call.query.get_all("sample_type");
  q.sources = call.query.get_all("source");
  q.mimetypes = call.query.get_all("mimetypes");
  if (!errors.empty()) {
    errors.send(call.response);
    return;
  }
  Result<store::Page<store::FileRecord>> page = ctx.store.list_files(call.workspace, q);
  if (!page.is_ok()) {
    send_error(ctx, call, page.status());
    return;
  }
  OrderedJson out;
  out["data"] = OrderedJson::array();
  for (const store::FileRecord& f : page->data) out["data"].push_back(file_json(f, false));
  out["object"] = "list";
  out["total"] = include_total ? OrderedJson(page->total) : OrderedJson(nullptr);
  send_json(call.response, 200, out);
}

void retrieve_file(ServiceContext& ctx, ApiCall& call) {
  Result<store::FileRecord> f = ctx.store.get_file(call.workspace, call.param("file_id"));
  if (!f.is_ok()) return send_error(ctx, call, file_error(f.status()));
  send_json(call.response, 200, file_json(*f, true));
}

void delete_file(ServiceContext& ctx, ApiCall& call) {
  const std::string& id = call.param("file_id");
  Status s = ctx.store.delete_file(call.workspace, id);
  if (!s.is_ok()) return send_error(ctx, call, file_error(s));
  OrderedJson out;
  out["id"] = id;
  out["object"] = "file";
  out["deleted"] = true;
  send_json(call.response, 200, out);
}

// The Content-Disposition filename: quotes and control characters replaced.
std::string disposition_name(const std::string& name) {
  std::string out;
  for (char c : name) {
    out.push_back((c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) ? '_' : c);
  }
  return out;
}

void download(ServiceContext& ctx, ApiCall& call) {
  const std::string& id = call.param("file_id");
  if (call.query.has("sig") && call.query.has("expires")) {
    std::optional<int64_t> expires = parse_int(call.query.get("expires").value_or(""));
    if (!expires || !ctx.signer.verify(call.workspace, id, *expires,
                                       call.query.get("sig").value_or(""), now_s())) {
      send_detail(call.response, 403, "Invalid or expired signature");
      return;
    }
  }
  Result<store::FileRecord> f = ctx.store.get_file(call.workspace, id);
  if (!f.is_ok()) return send_error(ctx, call, file_error(f.status()));
  const std::string path = ctx.store.file_path(*f);
  std::shared_ptr<FILE> file(std::fopen(path.c_str(), "rb"), [](FILE* fp) {
    if (fp != nullptr) std::fclose(fp);
  });
  if (!file) {
    // Deleted or expired (and swept) since get_file: gone, as for the client a moment later.
    if (errno == ENOENT) return send_error(ctx, call, file_not_found());
    return send_error(ctx, call, Status::io_error(path + ": cannot open a stored file"));
  }
  struct stat st {};
  if (::fstat(::fileno(file.get()), &st) != 0) {
    return send_error(ctx, call, Status::io_error(path + ": cannot stat a stored file"));
  }
  call.response.status = 200;
  call.response.set_header("Content-Disposition",
                           "attachment; filename=\"" + disposition_name(f->filename) + "\"");
  call.response.set_content_provider(
      static_cast<size_t>(st.st_size), "application/octet-stream",
      [file](size_t offset, size_t length, httplib::DataSink& sink) {
        static thread_local std::vector<char> buf(size_t{1} << 16);
        if (std::fseek(file.get(), static_cast<long>(offset), SEEK_SET) != 0) return false;
        const size_t n = std::fread(buf.data(), 1, std::min(length, buf.size()), file.get());
        if (n == 0) return false;
        return sink.write(buf.data(), n);
      });
}

void signed_url(ServiceContext& ctx, ApiCall& call) {
  FieldErrors errors;
  const int64_t hours = query_int(call, "expiry", 24, 1, 168, &errors);
  if (!errors.empty()) return errors.send(call.response);
  const std::string& id = call.param("file_id");
  Result<store::FileRecord> f = ctx.store.get_file(call.workspace, id);
  if (!f.is_ok()) return send_error(ctx, call, file_error(f.status()));
  const int64_t expires = now_s() + hours * 3600;
  std::string host = call.http.get_header_value("Host");
  if (host.empty()) host = call.http.local_addr + ":" + std::to_string(call.http.local_port);
  std::string url = "http://" + host + "/v1/files/" + percent_encode(id) +
                    "/content?expires=" + std::to_string(expires) +
                    "&sig=" + ctx.signer.sign(call.workspace, id, expires);
  if (call.workspace != "default") url += "&ws=" + percent_encode(call.workspace);
  OrderedJson out;
  out["url"] = url;
  send_json(call.response, 200, out);
}

}  // namespace

void add_file_routes(Router& router, ServiceContext& ctx) {
  ServiceContext* c = &ctx;
  router.add({"POST", "/v1/files", "Upload a file (multipart: file, purpose, visibility, expiry)",
              "files", true, BodyKind::kMultipart, nullptr, schema_ref("File")},
             [c](ApiCall& call) { upload(*c, call); });
  router.add({"GET", "/v1/files",
              "List files (page, page_size, include_total, sample_type, "
              "source, search, purpose, mimetypes)",
              "files", true, BodyKind::kNone, nullptr, schema_ref("FileList")},
             [c](ApiCall& call) { list_files(*c, call); });
  router.add({"GET", "/v1/files/{file_id}", "Retrieve a file", "files", true, BodyKind::kNone,
              nullptr, schema_ref("File")},
             [c](ApiCall& call) { retrieve_file(*c, call); });
  router.add({"DELETE", "/v1/files/{file_id}", "Delete a file", "files", true, BodyKind::kNone,
              nullptr, schema_ref("Deleted")},
             [c](ApiCall& call) { delete_file(*c, call); });
  router.add({"GET",
              "/v1/files/{file_id}/content",
              "Download a file's bytes (or with a signed URL's expires & sig, without a key)",
              "files",
              true,
              BodyKind::kNone,
              nullptr,
              schema_ref("FileBytes"),
              "application/octet-stream",
              {403, 416}},
             [c](ApiCall& call) { download(*c, call); });
  router.add({"GET", "/v1/files/{file_id}/url", "A signed download URL (expiry: hours, 1-168)",
              "files", true, BodyKind::kNone, nullptr, schema_ref("SignedUrl")},
             [c](ApiCall& call) { signed_url(*c, call); });
}

}  // namespace winnow::api
