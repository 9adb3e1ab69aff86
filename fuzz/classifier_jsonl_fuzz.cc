// Fuzzes the classifier-JSONL parser and validator (src/data/classifier_jsonl.h): the input is a
// file of lines. Each line goes through parse_classifier_line (both overloads, which must agree);
// a parsed sample must keep the format's rules; then validate_classifier_files reads the same
// bytes as a file and must count exactly the samples and bad lines found line by line.
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "data/classifier_jsonl.h"
#include "fuzz_support.h"

namespace {

using winnow::ClassifierSample;
using winnow::fuzz::fuzz_check;

bool same_sample(const ClassifierSample& a, const ClassifierSample& b) {
  if (a.text != b.text || a.messages.size() != b.messages.size() ||
      a.labels.size() != b.labels.size()) {
    return false;
  }
  for (size_t i = 0; i < a.messages.size(); ++i) {
    if (a.messages[i].role != b.messages[i].role || a.messages[i].content != b.messages[i].content)
      return false;
  }
  for (size_t i = 0; i < a.labels.size(); ++i) {
    if (a.labels[i].head != b.labels[i].head || a.labels[i].labels != b.labels[i].labels ||
        a.labels[i].is_list != b.labels[i].is_list)
      return false;
  }
  return true;
}

void check_rules(const ClassifierSample& s) {
  fuzz_check(s.text.empty() != s.messages.empty(), "exactly one of text and messages");
  fuzz_check(!s.labels.empty(), "labels must not be empty");
  std::set<std::string> heads;
  for (const ClassifierSample::HeadValue& v : s.labels) {
    fuzz_check(!v.head.empty(), "empty head name accepted");
    fuzz_check(heads.insert(v.head).second, "repeated head accepted");
    fuzz_check(!v.labels.empty(), "head without labels accepted");
    fuzz_check(v.is_list || v.labels.size() == 1, "a string value holds one label");
    std::set<std::string> labels(v.labels.begin(), v.labels.end());
    fuzz_check(labels.size() == v.labels.size(), "repeated label accepted");
    fuzz_check(labels.count("") == 0, "empty label accepted");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  std::string_view data(reinterpret_cast<const char*>(bytes), size);
  // Lines as LineReader cuts them: BOM skipped, '\n' ends a line, one trailing '\r' dropped.
  if (data.substr(0, 3) == "\xEF\xBB\xBF") data.remove_prefix(3);
  uint64_t lines = 0, samples = 0, bad = 0;
  ClassifierSample reused;
  winnow::ClassifierSchema schema;
  while (!data.empty()) {
    const size_t nl = data.find('\n');
    std::string_view line = data.substr(0, nl);
    data.remove_prefix(nl == std::string_view::npos ? data.size() : nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (winnow::is_blank_line(line)) continue;
    ++lines;
    winnow::Result<ClassifierSample> parsed = winnow::parse_classifier_line(line);
    winnow::Status status = winnow::parse_classifier_line(line, &reused);
    fuzz_check(parsed.is_ok() == status.is_ok(), "the two parse overloads disagree");
    if (!parsed.is_ok()) {
      fuzz_check(parsed.status().message() == status.message(), "different error messages");
      fuzz_check(!parsed.status().message().empty(), "an error without a message");
      ++bad;
      continue;
    }
    fuzz_check(same_sample(*parsed, reused), "the two parse overloads give different samples");
    check_rules(*parsed);
    schema.add(*parsed);
    ++samples;
  }
  for (size_t h = 0; h < schema.heads().size(); ++h) {
    const winnow::HeadSchema& head = schema.heads()[h];
    fuzz_check(schema.find_head(head.name) == static_cast<int>(h), "find_head");
    for (size_t l = 0; l < head.labels.size(); ++l) {
      fuzz_check(schema.find_label(static_cast<int>(h), head.labels[l]) == static_cast<int>(l),
                 "find_label");
    }
  }

  // A file starting with the gzip magic is read as gzip: the gzip_source target covers that.
  if (size >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b) return 0;
  const std::string path = winnow::fuzz::write_scratch_file(
      "input.jsonl", std::string_view(reinterpret_cast<const char*>(bytes), size));
  uint64_t line_problems = 0;
  winnow::Result<winnow::ValidationReport> report = winnow::validate_classifier_files(
      {path}, [&](const winnow::LineProblem& p) { line_problems += p.line > 0 ? 1 : 0; });
  fuzz_check(report.is_ok(), "validating a readable plain file failed");
  fuzz_check(report->lines_total == lines, "validate counts other lines");
  fuzz_check(report->samples_valid == samples, "validate counts other samples");
  fuzz_check(line_problems == bad, "validate reports other bad lines");
  fuzz_check(report->ok() == (bad == 0 && samples > 0 &&
                              [&] {
                                for (const winnow::HeadSchema& h : schema.heads())
                                  if (h.labels.size() < 2) return false;
                                return true;
                              }()),
             "validate's verdict");
  return 0;
}
