#include "data/score_reader.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <unordered_map>

#include "data/csv_reader.h"
#include "data/parquet_score_reader.h"
#include "data/plain_decimal.h"

namespace winnow {
namespace {

// Known score columns in canonical order. Kaggle's `target` is toxicity.
const std::vector<std::string>& known_score_columns() {
  static const std::vector<std::string> k = {
      "toxicity",        "severe_toxicity", "obscene", "threat",       "insult",
      "identity_attack", "sexual_explicit", "toxic",   "severe_toxic", "identity_hate"};
  return k;
}

// The Jigsaw Toxic Comment Classification (2018) layout, in its own order.
const std::vector<std::string>& jigsaw_2018_columns() {
  static const std::vector<std::string> k = {"toxic",  "severe_toxic", "obscene",
                                             "threat", "insult",       "identity_hate"};
  return k;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) {
    if (!s.empty()) s += ", ";
    s += x.empty() ? "(unnamed)" : x;
  }
  return s;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

enum class ScoreParse { kOk, kMissing, kInvalid };

ScoreParse parse_score(std::string_view text, double* out) {
  text = trim(text);
  if (text.empty()) return ScoreParse::kMissing;
  if (text == "True" || text == "true") {
    *out = 1;
    return ScoreParse::kOk;
  }
  if (text == "False" || text == "false") {
    *out = 0;
    return ScoreParse::kOk;
  }
  if (parse_plain_decimal(text, out)) return ScoreParse::kOk;
  if (text.front() == '+') text.remove_prefix(1);
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  if (ec != std::errc() || ptr != text.data() + text.size()) return ScoreParse::kInvalid;
  if (std::isnan(*out)) return ScoreParse::kMissing;
  return ScoreParse::kOk;
}

// The one place --missing is applied to label i of *row: an error, a 0, or the row marked for
// skipping. `what` names the problem as the format sees it ("empty score", "missing score").
Status apply_missing_policy(MissingScore policy, const std::string& where, std::string_view what,
                            size_t i, ScoreRow* row) {
  row->scores[i] = 0;
  if (policy == MissingScore::kSkip) row->status = RowStatus::kMissingScore;
  if (policy != MissingScore::kError) return Status::ok();
  return Status::invalid_argument(where + ": " + std::string(what) +
                                  " (use --missing zero to read it as 0, or --missing skip to "
                                  "drop such rows)");
}

std::string quote_for_message(std::string_view s) {
  std::string q(s.substr(0, 40));
  if (s.size() > 40) q += "...";
  return "'" + q + "'";
}

// An identity value as parsed (kMissing: not annotated, NaN) into *out, or the error at
// `where` ("file:line: column 'male'").
Status identity_from_parse(ScoreParse p, double value, std::string_view raw,
                           const std::string& where, double* out) {
  if (p == ScoreParse::kMissing) {
    *out = std::nan("");
    return Status::ok();
  }
  if (p == ScoreParse::kInvalid) {
    return Status::invalid_argument(where +
                                    ": identity value is not a number: " + quote_for_message(raw));
  }
  if (!(value >= 0 && value <= 1)) {
    return Status::invalid_argument(where + ": identity value " + quote_for_message(raw) +
                                    " is not in [0, 1]");
  }
  *out = value;
  return Status::ok();
}

class CsvScoreReader : public ScoreReader {
 public:
  static Result<std::unique_ptr<ScoreReader>> create(const std::string& path,
                                                     const ScoreReaderOptions& options) {
    WINNOW_ASSIGN_OR_RETURN(auto source, open_byte_source(path));
    auto reader = std::unique_ptr<CsvScoreReader>(new CsvScoreReader());
    reader->path_ = path;
    reader->is_csv_ = true;
    reader->missing_ = options.missing;
    reader->seekable_ = !source->compressed() && path != "-";
    // Plain files are parsed in place from a mapping (no read() copy); gzip streams, stdin and
    // files that cannot be mapped (pipes, empty files) through the stream buffer.
    if (reader->seekable_) {
      auto mapped = MappedFile::open(path);
      if (mapped.is_ok()) {
        reader->file_ = std::make_shared<const MappedFile>(std::move(mapped).value());
      }
    }
    reader->csv_ = reader->file_ ? std::make_unique<CsvReader>(reader->file_)
                                 : std::make_unique<CsvReader>(std::move(source));
    WINNOW_ASSIGN_OR_RETURN(bool has_header, reader->csv_->next());
    if (!has_header) return Status::invalid_argument(path + ": empty file (no header line)");
    std::vector<std::string> header(reader->csv_->fields().begin(), reader->csv_->fields().end());
    WINNOW_RETURN_IF_ERROR(reader->resolve_columns(header, options));
    reader->field_count_ = header.size();
    return std::unique_ptr<ScoreReader>(std::move(reader));
  }

  Result<bool> next(ScoreRow* row) override {
    WINNOW_ASSIGN_OR_RETURN(bool more, csv_->next());
    if (!more) return false;
    const auto& f = csv_->fields();
    row->line = csv_->line();
    row->record_offset = csv_->record_offset();
    const CsvReader::RawField raw = csv_->raw_field(text_index_ < f.size() ? text_index_ : 0);
    row->text_offset = raw.offset;
    row->text_raw_size = raw.size;
    row->text_quoted = raw.quoted;
    if (f.size() != field_count_) {
      return Status::invalid_argument(
          path_ + ":" + std::to_string(row->line) + ": expected " + std::to_string(field_count_) +
          " fields (as in the header), found " + std::to_string(f.size()));
    }
    row->text = f[text_index_];
    row->status = RowStatus::kOk;
    if (!simdjson::validate_utf8(row->text.data(), row->text.size())) {
      return Status::invalid_argument(path_ + ":" + std::to_string(row->line) + ": column '" +
                                      text_column_ + "': invalid UTF-8");
    }
    row->scores.resize(labels_.size());
    for (size_t i = 0; i < labels_.size(); ++i) {
      ScoreParse p = parse_score(f[label_index_[i]], &row->scores[i]);
      if (p == ScoreParse::kOk) continue;
      WINNOW_RETURN_IF_ERROR(handle_bad_score(p, i, f[label_index_[i]], row));
    }
    row->identities.resize(identity_columns_.size());
    for (size_t j = 0; j < identity_columns_.size(); ++j) {
      const std::string_view cell = f[identity_index_[j]];
      double v = 0;
      const ScoreParse p = parse_score(cell, &v);
      if (p == ScoreParse::kOk && v >= 0 && v <= 1) {
        row->identities[j] = v;
        continue;
      }
      WINNOW_RETURN_IF_ERROR(identity_from_parse(
          p, v, cell,
          path_ + ":" + std::to_string(row->line) + ": column '" + identity_columns_[j] + "'",
          &row->identities[j]));
    }
    if (row->status == RowStatus::kOk && trim(row->text).empty())
      row->status = RowStatus::kEmptyText;
    return true;
  }

  Status restart_at(uint64_t start_offset) {
    if (file_) {
      csv_ = std::make_unique<CsvReader>(file_, start_offset);
      return Status::ok();
    }
    WINNOW_ASSIGN_OR_RETURN(auto source, open_byte_source(path_, start_offset));
    csv_ = std::make_unique<CsvReader>(std::move(source), 1 << 20, start_offset);
    return Status::ok();
  }

  uint64_t position_bytes() const override { return csv_->position_bytes(); }
  uint64_t size_bytes() const override { return csv_->size_bytes(); }
  bool seekable() const override { return seekable_; }

  Status handle_bad_score(ScoreParse p, size_t i, std::string_view raw, ScoreRow* row) {
    std::string where =
        path_ + ":" + std::to_string(row->line) + ": column '" + label_columns_[i] + "'";
    if (p == ScoreParse::kInvalid) {
      return Status::invalid_argument(where + ": not a number: " + quote_for_message(raw));
    }
    return apply_missing_policy(missing_, where, "empty score", i, row);
  }

 private:
  CsvScoreReader() = default;
  std::shared_ptr<const MappedFile> file_;  // plain files: the mapping csv_ parses
  std::unique_ptr<CsvReader> csv_;
  size_t field_count_ = 0;
  bool seekable_ = false;
};

// JSONL: one object per line; a {"row": {...}} wrapper (Hugging Face viewer rows) is unwrapped.
class JsonlScoreReader : public ScoreReader {
 public:
  static Result<std::unique_ptr<ScoreReader>> create(const std::string& path,
                                                     const ScoreReaderOptions& options) {
    WINNOW_ASSIGN_OR_RETURN(auto source, open_byte_source(path));
    auto reader = std::unique_ptr<JsonlScoreReader>(new JsonlScoreReader());
    reader->path_ = path;
    reader->is_csv_ = false;
    reader->missing_ = options.missing;
    reader->lines_ = std::make_unique<LineReader>(std::move(source));
    // The first object's keys play the role of the CSV header.
    std::string_view line;
    for (;;) {
      WINNOW_ASSIGN_OR_RETURN(bool more, reader->lines_->next(&line));
      if (!more) return Status::invalid_argument(path + ": empty file (no JSON object)");
      if (!trim(line).empty()) break;
    }
    reader->pending_ = std::string(line);
    reader->has_pending_ = true;
    reader->pending_line_ = reader->lines_->line_number();
    std::vector<std::string> keys;
    WINNOW_RETURN_IF_ERROR(reader->keys_of(reader->pending_, reader->pending_line_, &keys));
    WINNOW_RETURN_IF_ERROR(reader->resolve_columns(keys, options));
    return std::unique_ptr<ScoreReader>(std::move(reader));
  }

  Result<bool> next(ScoreRow* row) override {
    std::string_view line;
    uint64_t line_no = 0;
    if (has_pending_) {
      has_pending_ = false;
      line = pending_;
      line_no = pending_line_;
    } else {
      for (;;) {
        WINNOW_ASSIGN_OR_RETURN(bool more, lines_->next(&line));
        if (!more) return false;
        if (!trim(line).empty()) break;
      }
      line_no = lines_->line_number();
    }
    row->line = line_no;
    row->text_offset = 0;
    row->text_raw_size = 0;
    row->status = RowStatus::kOk;
    row->scores.assign(labels_.size(), 0.0);
    WINNOW_RETURN_IF_ERROR(parse_line(line, line_no, row));
    return true;
  }

  uint64_t position_bytes() const override { return lines_->source().position_bytes(); }
  uint64_t size_bytes() const override { return lines_->source().size_bytes(); }
  bool seekable() const override { return false; }

 private:
  JsonlScoreReader() = default;

  std::string where(uint64_t line) const { return path_ + ":" + std::to_string(line); }

  // Parses `line` into doc_, returning the row object (unwrapping {"row": {...}}).
  Result<simdjson::dom::object> parse_object(std::string_view line, uint64_t line_no) {
    simdjson::dom::element doc;
    auto err = parser_.parse(line.data(), line.size()).get(doc);
    if (err == simdjson::UTF8_ERROR)
      return Status::invalid_argument(where(line_no) + ": invalid UTF-8");
    if (err) {
      return Status::invalid_argument(where(line_no) + ": not valid JSON (" +
                                      simdjson::error_message(err) + ")");
    }
    simdjson::dom::object obj;
    if (doc.get_object().get(obj)) {
      return Status::invalid_argument(where(line_no) + ": expected a JSON object");
    }
    simdjson::dom::object inner;
    if (obj["row"].get_object().get(inner) == simdjson::SUCCESS) return inner;
    return obj;
  }

  Status keys_of(std::string_view line, uint64_t line_no, std::vector<std::string>* keys) {
    WINNOW_ASSIGN_OR_RETURN(simdjson::dom::object obj, parse_object(line, line_no));
    for (auto field : obj) keys->emplace_back(field.key);
    return Status::ok();
  }

  Status parse_line(std::string_view line, uint64_t line_no, ScoreRow* row) {
    WINNOW_ASSIGN_OR_RETURN(simdjson::dom::object obj, parse_object(line, line_no));
    std::string_view text;
    auto text_el = obj[text_column_];
    if (text_el.error() == simdjson::NO_SUCH_FIELD) {
      return Status::invalid_argument(where(line_no) + ": field '" + text_column_ + "': missing");
    }
    if (text_el.is_null()) {
      text = {};
    } else if (text_el.get_string().get(text)) {
      return Status::invalid_argument(where(line_no) + ": field '" + text_column_ +
                                      "': expected a string");
    }
    text_.assign(text);
    row->text = text_;
    for (size_t i = 0; i < labels_.size(); ++i) {
      auto el = obj[label_columns_[i]];
      std::string w = where(line_no) + ": field '" + label_columns_[i] + "'";
      double v = 0;
      bool missing = el.error() == simdjson::NO_SUCH_FIELD || el.is_null();
      if (!missing) {
        bool b = false;
        int64_t iv = 0;
        std::string_view sv;
        if (el.get_double().get(v) == simdjson::SUCCESS) {
        } else if (el.get_int64().get(iv) == simdjson::SUCCESS) {
          v = static_cast<double>(iv);
        } else if (el.get_bool().get(b) == simdjson::SUCCESS) {
          v = b ? 1 : 0;
        } else if (el.get_string().get(sv) == simdjson::SUCCESS) {
          ScoreParse p = parse_score(sv, &v);
          if (p == ScoreParse::kInvalid)
            return Status::invalid_argument(w + ": not a number: " + quote_for_message(sv));
          missing = p == ScoreParse::kMissing;
        } else {
          return Status::invalid_argument(w + ": expected a number");
        }
      }
      if (missing) {
        WINNOW_RETURN_IF_ERROR(apply_missing_policy(missing_, w, "missing score", i, row));
      } else {
        row->scores[i] = v;
      }
    }
    row->identities.resize(identity_columns_.size());
    for (size_t j = 0; j < identity_columns_.size(); ++j) {
      WINNOW_RETURN_IF_ERROR(read_identity(obj, j, line_no, &row->identities[j]));
    }
    if (row->status == RowStatus::kOk && trim(row->text).empty())
      row->status = RowStatus::kEmptyText;
    return Status::ok();
  }

  // Identity column j of the row object: a number, a boolean, a numeric string; null, absent,
  // an empty string or NaN are "not annotated".
  Status read_identity(simdjson::dom::object obj, size_t j, uint64_t line_no, double* out) {
    const std::string w = where(line_no) + ": field '" + identity_columns_[j] + "'";
    auto el = obj[identity_columns_[j]];
    if (el.error() == simdjson::NO_SUCH_FIELD || el.is_null()) {
      *out = std::nan("");
      return Status::ok();
    }
    double v = 0;
    int64_t iv = 0;
    bool b = false;
    std::string_view sv;
    if (el.get_double().get(v) == simdjson::SUCCESS) {
      return identity_from_parse(ScoreParse::kOk, v, std::to_string(v), w, out);
    }
    if (el.get_int64().get(iv) == simdjson::SUCCESS) {
      return identity_from_parse(ScoreParse::kOk, static_cast<double>(iv), std::to_string(iv), w,
                                 out);
    }
    if (el.get_bool().get(b) == simdjson::SUCCESS) {
      *out = b ? 1 : 0;
      return Status::ok();
    }
    if (el.get_string().get(sv) == simdjson::SUCCESS) {
      const ScoreParse p = parse_score(sv, &v);
      return identity_from_parse(p, v, sv, w, out);
    }
    return Status::invalid_argument(w + ": expected a number, a boolean or null");
  }

  std::unique_ptr<LineReader> lines_;
  simdjson::dom::parser parser_;
  std::string pending_;
  bool has_pending_ = false;
  uint64_t pending_line_ = 0;
  std::string text_;
};

}  // namespace

Result<std::unique_ptr<ScoreReader>> ScoreReader::open_at(const std::string& path,
                                                          const ScoreReaderOptions& options,
                                                          uint64_t start_offset) {
  WINNOW_ASSIGN_OR_RETURN(auto reader, open(path, options));
  if (!reader->seekable()) {
    return Status::invalid_argument(path + ": only plain CSV files can be read from an offset");
  }
  WINNOW_RETURN_IF_ERROR(static_cast<CsvScoreReader&>(*reader).restart_at(start_offset));
  return reader;
}

const std::vector<std::string>& civil_comments_labels() {
  static const std::vector<std::string> k(known_score_columns().begin(),
                                          known_score_columns().begin() + 7);
  return k;
}

Status ScoreReader::resolve_columns(const std::vector<std::string>& available,
                                    const ScoreReaderOptions& options) {
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < available.size(); ++i) index.emplace(available[i], i);
  auto find = [&](const std::string& name) -> long {
    auto it = index.find(name);
    return it == index.end() ? -1 : static_cast<long>(it->second);
  };
  const std::string columns_note = " (its columns: " + join(available) + ")";

  if (!options.text_column.empty()) {
    if (find(options.text_column) < 0) {
      return Status::invalid_argument(path_ + ": no text column '" + options.text_column + "'" +
                                      columns_note);
    }
    text_column_ = options.text_column;
  } else if (find("text") >= 0) {
    text_column_ = "text";
  } else if (find("comment_text") >= 0) {
    text_column_ = "comment_text";
  } else {
    return Status::invalid_argument(path_ + ": no text column: expected 'text' or 'comment_text'" +
                                    columns_note + "; name another with --text-column");
  }
  text_index_ = static_cast<size_t>(find(text_column_));

  if (!options.labels.empty()) {
    for (const std::string& label : options.labels) {
      long i = find(label);
      if (i < 0 && label == "toxicity") i = find("target");  // Kaggle's name for toxicity
      if (i < 0) {
        return Status::invalid_argument(path_ + ": no column '" + label + "' for --labels" +
                                        columns_note);
      }
      labels_.push_back(label);
      label_columns_.push_back(available[static_cast<size_t>(i)]);
      label_index_.push_back(static_cast<size_t>(i));
    }
  } else {
    const bool jigsaw_2018 = find("toxic") >= 0 && find("toxicity") < 0 && find("target") < 0;
    for (const std::string& label : jigsaw_2018 ? jigsaw_2018_columns() : known_score_columns()) {
      long i = find(label);
      if (i < 0 && label == "toxicity") i = find("target");
      if (i < 0) continue;
      labels_.push_back(label);
      label_columns_.push_back(available[static_cast<size_t>(i)]);
      label_index_.push_back(static_cast<size_t>(i));
    }
    if (labels_.empty()) {
      return Status::invalid_argument(
          path_ +
          ": no known score columns (expected some of toxicity/target, severe_toxicity, "
          "obscene, threat, insult, identity_attack, sexual_explicit)" +
          columns_note + "; choose label columns with --labels a,b,c");
    }
  }
  std::vector<std::string> missing_identities;
  for (const std::string& column : options.identity_columns) {
    const long i = find(column);
    if (i < 0) {
      missing_identities.push_back(column);
      continue;
    }
    identity_columns_.push_back(column);
    identity_index_.push_back(static_cast<size_t>(i));
  }
  if (!missing_identities.empty()) {
    return Status::invalid_argument(
        path_ + ": no identity column" + (missing_identities.size() > 1 ? "s " : " ") +
        join(missing_identities) + " for --identity-columns" + columns_note);
  }
  if (labels_.size() > 64) {
    return Status::invalid_argument(path_ + ": at most 64 label columns are supported");
  }
  return Status::ok();
}

Result<std::unique_ptr<ScoreReader>> ScoreReader::open(const std::string& path,
                                                       const ScoreReaderOptions& options) {
  std::string_view name = path;
  if (ends_with(name, ".gz")) name.remove_suffix(3);
  const bool csv_name = ends_with(name, ".csv") || ends_with(name, ".tsv");
  const bool jsonl_name =
      ends_with(name, ".jsonl") || ends_with(name, ".json") || ends_with(name, ".ndjson");
  // .parquet / .parq, a directory of part files, or the PAR1 magic.
  if (!csv_name && !jsonl_name && is_parquet_input(path))
    return open_parquet_score_reader(path, options);
  if (options.row_limit != 0) {
    return Status::invalid_argument(path + ": a row limit is only supported for Parquet input");
  }
  bool csv = csv_name;
  if (!csv_name && !jsonl_name) {
    // Sniff: JSONL starts with '{' (after whitespace/BOM).
    WINNOW_ASSIGN_OR_RETURN(auto src, open_byte_source(path));
    LineReader lines(std::move(src), 4096);
    std::string_view first;
    WINNOW_ASSIGN_OR_RETURN(bool any, lines.next(&first));
    csv = !(any && !trim(first).empty() && trim(first).front() == '{');
  }
  return csv ? CsvScoreReader::create(path, options) : JsonlScoreReader::create(path, options);
}

}  // namespace winnow
