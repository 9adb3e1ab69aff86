#include "data/classifier_jsonl.h"

#include <simdjson.h>

#include <nlohmann/json.hpp>

#include "core/utf8.h"
#include "data/byte_source.h"

namespace winnow {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// Names in the vocabulary of the format's docs ("list", not "array").
std::string_view type_name(element_type type) {
  switch (type) {
    case element_type::ARRAY:
      return "list";
    case element_type::OBJECT:
      return "object";
    case element_type::STRING:
      return "string";
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE:
      return "number";
    case element_type::BOOL:
      return "boolean";
    case element_type::NULL_VALUE:
      return "null";
  }
  return "unknown";
}

Status problem(std::string_view field, std::string_view what) {
  std::string m(field);
  m += ": ";
  m += what;
  return Status::invalid_argument(std::move(m));
}

Status wrong_type(std::string_view field, std::string_view expected, element_type got) {
  std::string m = "expected ";
  m += expected;
  m += ", got ";
  m += type_name(got);
  return problem(field, m);
}

std::string indexed(std::string_view field, size_t index) {
  std::string s(field);
  s += '[';
  s += std::to_string(index);
  s += ']';
  return s;
}

// Nesting deeper than this is refused: simdjson's default limit, and what keeps nlohmann's
// recursive dump() off the end of the stack in diagnose_rejected_line.
constexpr size_t kMaxDepth = simdjson::DEFAULT_MAX_DEPTH;

// Checks syntax with nlohmann without building anything (its parser is iterative, so any depth
// is safe) and keeps the first error.
class SyntaxChecker : public nlohmann::json_sax<nlohmann::json> {
 public:
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return enter(); }
  bool key(string_t&) override { return true; }
  bool end_object() override { return leave(); }
  bool start_array(std::size_t) override { return enter(); }
  bool end_array() override { return leave(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::json::exception& e) override {
    error = e.what();
    return false;
  }

  std::string error;  // nlohmann's message, empty if none
  bool too_deep = false;

 private:
  bool enter() {
    too_deep = ++depth_ > kMaxDepth;
    return !too_deep;
  }
  bool leave() {
    --depth_;
    return true;
  }
  size_t depth_ = 0;
};

// A line simdjson rejected. simdjson gives no position and also rejects valid JSON it cannot
// represent (integers beyond 64 bits), so nlohmann re-reads the line: if it fails too, its
// message (with a column) is the problem; if it succeeds, its re-serialization (numbers turned
// into doubles) is returned for simdjson to parse. Only bad lines take this slow path.
Result<std::string> diagnose_rejected_line(std::string_view line) {
  size_t bad_byte = find_invalid_utf8(line);
  if (bad_byte != std::string_view::npos) {
    return Status::invalid_argument("invalid UTF-8 at byte " + std::to_string(bad_byte + 1));
  }
  SyntaxChecker checker;
  bool valid = nlohmann::json::sax_parse(line, &checker);
  if (checker.too_deep) {
    return Status::invalid_argument("line nests lists and objects deeper than " +
                                    std::to_string(kMaxDepth) + " levels");
  }
  if (!valid) {
    // "[json.exception.parse_error.101] parse error at line 1, column 3: syntax error ..."
    std::string_view what = checker.error;
    if (size_t end = what.find("] "); end != std::string_view::npos) what.remove_prefix(end + 2);
    constexpr std::string_view kLinePrefix = "parse error at line 1, ";
    if (what.starts_with(kLinePrefix)) what.remove_prefix(kLinePrefix.size());
    return Status::invalid_argument("line is not valid JSON (" + std::string(what) + ")");
  }
  try {
    return nlohmann::json::parse(line).dump(-1, ' ', false,
                                            nlohmann::json::error_handler_t::replace);
  } catch (const nlohmann::json::exception& e) {  // not expected after the syntax check
    return Status::invalid_argument("line is not valid JSON (" + std::string(e.what()) + ")");
  }
}

Status read_text(element value, ClassifierSample* sample) {
  if (value.type() != element_type::STRING) return wrong_type("text", "a string", value.type());
  std::string_view text = value.get_string().value_unsafe();
  if (text.empty()) return problem("text", "empty string");
  sample->text.assign(text);
  sample->messages.clear();
  return Status::ok();
}

// Field paths ("messages[2].role") are built only when there is a problem to report.
Status read_message(element value, size_t index, ChatMessage* message, bool* has_content) {
  auto field = [index](std::string_view member = {}) {
    std::string f = indexed("messages", index);
    if (!member.empty()) f.append(".").append(member);
    return f;
  };
  if (value.type() != element_type::OBJECT) {
    return wrong_type(field(), R"(an object with "role" and "content")", value.type());
  }
  bool has_role = false;
  bool has_content_key = false;
  simdjson::dom::object members = value.get_object().value_unsafe();
  for (auto [key, member] : members) {
    bool is_role = key == "role";
    if (!is_role && key != "content") continue;  // e.g. "name": allowed and ignored
    bool& seen = is_role ? has_role : has_content_key;
    if (seen) return problem(field(key), "given twice");
    seen = true;
    if (member.type() != element_type::STRING) {
      return wrong_type(field(key), "a string", member.type());
    }
    std::string_view s = member.get_string().value_unsafe();
    if (is_role && s.empty()) return problem(field(key), "empty string");
    (is_role ? message->role : message->content).assign(s);
    if (!is_role && !s.empty()) *has_content = true;
  }
  if (!has_role) return problem(field("role"), "missing");
  if (!has_content_key) return problem(field("content"), "missing");
  return Status::ok();
}

Status read_messages(element value, ClassifierSample* sample) {
  if (value.type() != element_type::ARRAY) {
    return wrong_type("messages", R"(a list of {"role", "content"} objects)", value.type());
  }
  simdjson::dom::array items = value.get_array().value_unsafe();
  size_t count = 0;
  bool has_content = false;
  for (element item : items) {
    if (count == sample->messages.size()) sample->messages.emplace_back();
    WINNOW_RETURN_IF_ERROR(read_message(item, count, &sample->messages[count], &has_content));
    ++count;
  }
  if (count == 0) return problem("messages", "empty list");
  if (!has_content) return problem("messages", R"(every "content" is empty)");
  sample->messages.resize(count);
  sample->text.clear();
  return Status::ok();
}

// Reads the value of head->head (already set); "labels.<head>" is built only for a problem.
Status read_head_value(element value, ClassifierSample::HeadValue* head) {
  auto field = [head] { return "labels." + head->head; };
  head->labels.clear();
  if (value.type() == element_type::STRING) {
    std::string_view label = value.get_string().value_unsafe();
    if (label.empty()) return problem(field(), "empty string");
    head->labels.emplace_back(label);
    head->is_list = false;
    return Status::ok();
  }
  if (value.type() != element_type::ARRAY) {
    return wrong_type(field(), "a string or a list of strings", value.type());
  }
  head->is_list = true;
  simdjson::dom::array items = value.get_array().value_unsafe();
  for (element item : items) {
    if (item.type() != element_type::STRING) {
      return wrong_type(indexed(field(), head->labels.size()), "a string", item.type());
    }
    std::string_view label = item.get_string().value_unsafe();
    if (label.empty()) return problem(indexed(field(), head->labels.size()), "empty string");
    // Lists hold a handful of labels: a linear scan beats hashing.
    for (const std::string& earlier : head->labels) {
      if (earlier == label) {
        return problem(indexed(field(), head->labels.size()),
                       "duplicate label \"" + std::string(label) + "\"");
      }
    }
    head->labels.emplace_back(label);
  }
  if (head->labels.empty()) return problem(field(), "empty list (need at least one label)");
  return Status::ok();
}

Status read_labels(element value, ClassifierSample* sample) {
  if (value.type() != element_type::OBJECT) {
    return wrong_type("labels", "an object of head names to labels", value.type());
  }
  size_t count = 0;
  simdjson::dom::object heads = value.get_object().value_unsafe();
  for (auto [head_name, head_value] : heads) {
    if (head_name.empty()) return problem("labels", "empty head name");
    for (size_t i = 0; i < count; ++i) {
      if (sample->labels[i].head == head_name) {
        return problem("labels." + std::string(head_name), "given twice");
      }
    }
    if (count == sample->labels.size()) sample->labels.emplace_back();
    ClassifierSample::HeadValue& head = sample->labels[count];
    head.head.assign(head_name);
    WINNOW_RETURN_IF_ERROR(read_head_value(head_value, &head));
    ++count;
  }
  if (count == 0) return problem("labels", "empty object (need at least one head)");
  sample->labels.resize(count);
  return Status::ok();
}

Status read_sample(element root, ClassifierSample* sample) {
  if (root.type() != element_type::OBJECT) {
    return Status::invalid_argument("line is not a JSON object (got " +
                                    std::string(type_name(root.type())) + ")");
  }
  element text, messages, labels;
  bool has_text = false, has_messages = false, has_labels = false;
  simdjson::dom::object fields = root.get_object().value_unsafe();
  for (auto [key, value] : fields) {
    bool* seen = key == "text"       ? &has_text
                 : key == "messages" ? &has_messages
                 : key == "labels"   ? &has_labels
                                     : nullptr;
    if (seen == nullptr) continue;  // unknown fields are allowed
    if (*seen) return problem(key, "given twice");
    *seen = true;
    (key == "text" ? text : key == "messages" ? messages : labels) = value;
  }
  if (has_text && has_messages) {
    return problem("text", R"(both "text" and "messages" given (need exactly one))");
  }
  if (!has_text && !has_messages) return problem("text", R"(missing (need "text" or "messages"))");
  WINNOW_RETURN_IF_ERROR(has_text ? read_text(text, sample) : read_messages(messages, sample));
  if (!has_labels) return problem("labels", "missing");
  return read_labels(labels, sample);
}

}  // namespace

bool is_blank_line(std::string_view line) {
  return line.find_first_not_of(" \t\r\n\f\v") == std::string_view::npos;
}

Status parse_classifier_line(std::string_view line, ClassifierSample* sample) {
  // One parser per thread, its buffers reused from line to line.
  thread_local simdjson::dom::parser parser;
  element root;
  if (parser.parse(line.data(), line.size()).get(root) != simdjson::SUCCESS) {
    if (is_blank_line(line)) return Status::invalid_argument("line is blank");
    WINNOW_ASSIGN_OR_RETURN(std::string normalized, diagnose_rejected_line(line));
    simdjson::error_code error = parser.parse(normalized).get(root);
    if (error != simdjson::SUCCESS) {
      return Status::invalid_argument("line is not valid JSON (" +
                                      std::string(simdjson::error_message(error)) + ")");
    }
  }
  return read_sample(root, sample);
}

Result<ClassifierSample> parse_classifier_line(std::string_view line) {
  ClassifierSample sample;
  WINNOW_RETURN_IF_ERROR(parse_classifier_line(line, &sample));
  return sample;
}

void ClassifierSchema::add(const ClassifierSample& sample) {
  for (const ClassifierSample::HeadValue& value : sample.labels) {
    auto found = head_index_.find(value.head);
    int h = found != head_index_.end() ? found->second : static_cast<int>(heads_.size());
    if (found == head_index_.end()) {
      heads_.emplace_back().name = value.head;
      head_index_.emplace(value.head, h);
      label_index_.emplace_back();
    }
    HeadSchema& head = heads_[h];
    NameIndex& labels = label_index_[h];
    ++head.samples_with_head;
    head.multi_label |= value.is_list;
    for (const std::string& label : value.labels) {
      auto [it, inserted] = labels.try_emplace(label, static_cast<int>(head.labels.size()));
      if (inserted) {
        head.labels.push_back(label);
        head.label_counts.push_back(0);
      }
      ++head.label_counts[it->second];
    }
  }
}

int ClassifierSchema::find_head(std::string_view name) const {
  auto found = head_index_.find(name);
  return found == head_index_.end() ? -1 : found->second;
}

int ClassifierSchema::find_label(int head, std::string_view label) const {
  if (head < 0 || static_cast<size_t>(head) >= label_index_.size()) return -1;
  const NameIndex& labels = label_index_[head];
  auto found = labels.find(label);
  return found == labels.end() ? -1 : found->second;
}

std::string LineProblem::to_string() const {
  std::string s = file;
  if (line > 0) {
    s += ':';
    s += std::to_string(line);
  }
  s += ": ";
  s += message;
  return s;
}

namespace {

// Gathers problems for validate_classifier_files: counts them, then stores or streams them.
class ProblemLog {
 public:
  ProblemLog(ValidationReport* report, const ProblemSink* sink) : report_(report), sink_(sink) {}
  void add(size_t file_index, uint64_t line, std::string message) {
    LineProblem problem{report_->files[file_index], line, std::move(message)};
    ++report_->problem_count;
    ++report_->problems_per_file[file_index];
    if (sink_ != nullptr) {
      (*sink_)(problem);
    } else {
      report_->problems.push_back(std::move(problem));
    }
  }

 private:
  ValidationReport* report_;
  const ProblemSink* sink_;
};

Result<ValidationReport> validate_files(const std::vector<std::string>& paths,
                                        const ProblemSink* sink) {
  if (paths.empty()) return Status::invalid_argument("no files to validate");
  ValidationReport report;
  ProblemLog log(&report, sink);
  std::vector<size_t> head_first_file;  // parallel to schema.heads()
  ClassifierSample sample;
  for (size_t f = 0; f < paths.size(); ++f) {
    WINNOW_ASSIGN_OR_RETURN(std::unique_ptr<ByteSource> source, open_byte_source(paths[f]));
    report.files.push_back(source->path());  // "<stdin>" for "-"
    report.samples_per_file.push_back(0);
    report.lines_per_file.push_back(0);
    report.problems_per_file.push_back(0);
    LineReader reader(std::move(source));
    std::string_view line;
    for (;;) {
      WINNOW_ASSIGN_OR_RETURN(bool more, reader.next(&line));
      if (!more) break;
      if (is_blank_line(line)) continue;
      ++report.lines_per_file[f];
      Status parsed = parse_classifier_line(line, &sample);
      if (!parsed.is_ok()) {
        log.add(f, reader.line_number(), parsed.message());
        continue;
      }
      ++report.samples_per_file[f];
      report.schema.add(sample);
      head_first_file.resize(report.schema.heads().size(), f);
    }
    report.lines_total += report.lines_per_file[f];
    report.samples_valid += report.samples_per_file[f];
    if (report.samples_per_file[f] == 0) {
      uint64_t lines = report.lines_per_file[f];
      log.add(f, 0,
              lines == 0 ? "no samples (the file is empty or has only blank lines)"
                         : "no samples (all " + std::to_string(lines) + " lines have problems)");
    }
  }
  const std::vector<HeadSchema>& heads = report.schema.heads();
  for (size_t h = 0; h < heads.size(); ++h) {
    if (heads[h].labels.size() >= 2) continue;
    log.add(head_first_file[h], 0,
            "labels." + heads[h].name + ": only one label (\"" + heads[h].labels.front() +
                "\") in all files; a classifier head needs at least 2");
  }
  return report;
}

}  // namespace

Result<ValidationReport> validate_classifier_files(const std::vector<std::string>& paths) {
  return validate_files(paths, nullptr);
}

Result<ValidationReport> validate_classifier_files(const std::vector<std::string>& paths,
                                                   const ProblemSink& sink) {
  return validate_files(paths, &sink);
}

std::string sample_text(const ClassifierSample& sample) {
  if (sample.messages.empty()) return sample.text;
  std::string text;
  for (const ChatMessage& m : sample.messages) {
    text += m.role;
    text += ": ";
    text += m.content;
    text += '\n';
  }
  return text;
}

}  // namespace winnow
