#include "data/csv_reader.h"

#include <algorithm>
#include <cstring>

#include "data/byte_scan.h"

namespace winnow {
CsvReader::CsvReader(std::unique_ptr<ByteSource> source, size_t buffer_bytes, uint64_t start_offset)
    : source_(std::move(source)),
      buffer_(initial_buffer_bytes(*source_, std::max<size_t>(buffer_bytes, 16))),
      started_(start_offset > 0),
      stream_offset_(start_offset) {}

CsvReader::CsvReader(std::shared_ptr<const MappedFile> file, uint64_t start_offset)
    : file_(std::move(file)),
      released_(start_offset),
      begin_(static_cast<size_t>(std::min(start_offset, file_->size()))),
      end_(static_cast<size_t>(file_->size())),
      eof_(true),  // every byte is already "in the buffer"
      started_(start_offset > 0),
      stream_offset_(begin_) {}

namespace {
// Mapped mode releases the pages behind the reader in steps of this many bytes.
constexpr size_t kReleaseStepBytes = 4 << 20;
}  // namespace

// Offsets stay right: stream_offset_ names the stream position of buffer_[begin_], which moves
// with the bytes.
Status CsvReader::fill() { return refill_buffer(*source_, &buffer_, &begin_, &end_, &eof_); }

// Parses the record starting at buffer_[begin_]. Needs the whole record (up to and including its
// terminator, or the end of the stream) in the buffer; otherwise reports kNeedMore and the caller
// refills and parses the record again from its start.
CsvReader::Parse CsvReader::parse_record(size_t* consumed) {
  span_count_ = 0;
  scratch_.clear();
  record_newlines_ = 0;
  const char* const base = this->base();
  const char* p = base + begin_;
  const char* const end = base + end_;
  for (;;) {  // one iteration per field
    if (p < end && *p == '"') {
      const uint64_t field_line = next_line_ + record_newlines_;
      const char* q = p + 1;
      size_t scratch_start = scratch_.size();
      bool escaped = false;
      const char* chunk = q;
      for (;;) {
        const char* quote =
            static_cast<const char*>(std::memchr(q, '"', static_cast<size_t>(end - q)));
        if (quote == nullptr) {
          if (!eof_) return Parse::kNeedMore;
          error_line_ = field_line;
          error_ = "unterminated quoted field (field " + std::to_string(span_count_ + 1) +
                   " opens a quote that is never closed)";
          return Parse::kError;
        }
        record_newlines_ += count_newlines(q, static_cast<size_t>(quote - q));
        if (quote + 1 == end && !eof_) return Parse::kNeedMore;  // can't tell "" from "
        if (quote + 1 < end && quote[1] == '"') {                // doubled quote: a literal '"'
          scratch_.append(chunk, static_cast<size_t>(quote + 1 - chunk));
          escaped = true;
          q = quote + 2;
          chunk = q;
          continue;
        }
        if (escaped) {
          scratch_.append(chunk, static_cast<size_t>(quote - chunk));
          add_span({scratch_start, scratch_.size() - scratch_start, true, true,
                    static_cast<size_t>(p - base), static_cast<size_t>(quote + 1 - p)});
        } else {
          add_span({static_cast<size_t>(p + 1 - base), static_cast<size_t>(quote - p - 1), false,
                    true, static_cast<size_t>(p - base), static_cast<size_t>(quote + 1 - p)});
        }
        p = quote + 1;
        break;
      }
      // After the closing quote: a separator, a terminator or the end of the stream.
      if (p == end) {
        if (!eof_) return Parse::kNeedMore;
        break;
      }
      if (*p == ',') {
        ++p;
        continue;
      }
      if (*p == '\n' || *p == '\r') break;
      error_line_ = next_line_ + record_newlines_;
      error_ = "unexpected character '" + std::string(1, *p) +
               "' after the closing quote of field " + std::to_string(span_count_) +
               " (a quote inside a quoted field must be doubled)";
      return Parse::kError;
    }
    // Unquoted field: up to ',' or a line terminator. A stray '"' inside is kept literally.
    const char* f = p;
    p += find_csv_field_end(p, static_cast<size_t>(end - p));
    if (p == end && !eof_) return Parse::kNeedMore;
    add_span({static_cast<size_t>(f - base), static_cast<size_t>(p - f), false, false,
              static_cast<size_t>(f - base), static_cast<size_t>(p - f)});
    if (p < end && *p == ',') {
      ++p;
      continue;
    }
    break;
  }
  // At a terminator (or the end of the stream).
  if (p < end && *p == '\r') {
    if (p + 1 == end && !eof_) return Parse::kNeedMore;
    ++p;
  }
  if (p < end && *p == '\n') ++p;
  ++record_newlines_;
  *consumed = static_cast<size_t>(p - (base + begin_));
  return Parse::kComplete;
}

Result<bool> CsvReader::next() {
  // The previous record's fields become invalid now, so the pages before this record can go.
  if (file_ && begin_ - released_ >= kReleaseStepBytes) {
    file_->release(released_, begin_);
    released_ = begin_;
  }
  // And the pages ahead are mapped a step at a time (one call instead of a fault every 64 KB).
  if (file_ && begin_ + kReleaseStepBytes / 2 >= prefetched_ && prefetched_ < end_) {
    prefetched_ = std::max<uint64_t>(prefetched_, begin_);
    file_->prefetch(prefetched_, prefetched_ + kReleaseStepBytes);
    prefetched_ += kReleaseStepBytes;
  }
  for (;;) {
    if (!started_) {
      while (!eof_ && end_ - begin_ < 3) WINNOW_RETURN_IF_ERROR(fill());
      started_ = true;
      if (end_ - begin_ >= 3 && std::memcmp(base() + begin_, "\xEF\xBB\xBF", 3) == 0) {
        begin_ += 3;
        stream_offset_ += 3;
      }
    }
    if (begin_ == end_) {
      if (eof_) return false;
      WINNOW_RETURN_IF_ERROR(fill());
      continue;
    }
    size_t consumed = 0;
    Parse r = parse_record(&consumed);
    if (r == Parse::kNeedMore) {
      WINNOW_RETURN_IF_ERROR(fill());
      continue;
    }
    if (r == Parse::kError) {
      return Status::invalid_argument(path() + ":" + std::to_string(error_line_) + ": " + error_);
    }
    record_line_ = next_line_;
    record_offset_ = stream_offset_;
    record_size_ = consumed;
    record_begin_ = begin_;
    next_line_ += record_newlines_;
    begin_ += consumed;
    stream_offset_ += consumed;
    if (span_count_ == 1 && spans_[0].size == 0 && !spans_[0].quoted) continue;  // blank line
    fields_.resize(span_count_);
    for (size_t i = 0; i < span_count_; ++i) {
      const Span& s = spans_[i];
      const char* d = s.in_scratch ? scratch_.data() + s.offset : base() + s.offset;
      fields_[i] = std::string_view(d, s.size);
    }
    return true;
  }
}

CsvReader::RawField CsvReader::raw_field(size_t i) const {
  const Span& s = spans_[i];
  return {record_offset_ + (s.raw_begin - record_begin_), s.raw_size, s.quoted};
}

std::string unquote_csv_field(std::string_view raw, bool quoted) {
  if (!quoted) return std::string(raw);
  if (raw.size() >= 2) raw = raw.substr(1, raw.size() - 2);
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    out.push_back(raw[i]);
    if (raw[i] == '"' && i + 1 < raw.size() && raw[i + 1] == '"') ++i;
  }
  return out;
}

}  // namespace winnow
