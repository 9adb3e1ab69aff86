#include "data/classifier_writer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "data/csv_reader.h"

namespace winnow {
namespace {

std::string json_string_of(std::string_view s, bool csv_quoted = false) {
  std::string out;
  append_json_string(&out, s, csv_quoted);
  return out;
}

TEST(ClassifierWriter, EscapesWhatJsonRequiresAndNothingElse) {
  EXPECT_EQ(json_string_of("plain caf\xC3\xA9"), "\"plain caf\xC3\xA9\"");
  EXPECT_EQ(json_string_of("a\"b\\c\nd\re\tf\bg\fh\x01i\x1f"),
            R"("a\"b\\c\nd\re\tf\bg\fh\u0001i\u001f")");
  EXPECT_EQ(json_string_of(""), "\"\"");
  EXPECT_EQ(json_string_of("\x7f/"), "\"\x7f/\"");  // DEL and '/' need no escape
}

TEST(ClassifierWriter, CsvQuotedTextIsUnquotedWhileEscaping) {
  EXPECT_EQ(json_string_of(R"(say ""hi"")", true), R"("say \"hi\"")");
  EXPECT_EQ(json_string_of(R"("""")", true), R"("\"\"")");
  // Random insides of quoted fields (every quote doubled) agree with unquote-then-escape, and
  // the result is a JSON string holding the unquoted text.
  std::mt19937 rng(5);
  const std::vector<std::string> alphabet = {"a",  "b",  " ",    "\"\"",     "\\", "\n",
                                             "\r", "\t", "\x01", "\xc3\xa9", ","};
  for (int round = 0; round < 20000; ++round) {
    std::string inside;
    const size_t n = rng() % 30;
    for (size_t i = 0; i < n; ++i) inside += alphabet[rng() % alphabet.size()];
    const std::string unquoted = unquote_csv_field("\"" + inside + "\"", true);
    const std::string once = json_string_of(inside, true);
    ASSERT_EQ(once, json_string_of(unquoted)) << inside;
    ASSERT_EQ(nlohmann::json::parse(once).get<std::string>(), unquoted) << inside;
  }
}

TEST(ClassifierWriter, LineHasTextLabelsAndExtraFields) {
  std::string line;
  append_classifier_line(&line, "x \"y\"", "moderation", {"toxicity", "insult"});
  EXPECT_EQ(line, R"({"text": "x \"y\"", "labels": {"moderation": ["toxicity", "insult"]}})"
                  "\n");
  line.clear();
  append_classifier_line(&line, R"(x ""y"")", "h", {"safe"}, R"("metadata": {})", true);
  EXPECT_EQ(line, R"({"text": "x \"y\"", "labels": {"h": ["safe"]}, "metadata": {}})"
                  "\n");
}

}  // namespace
}  // namespace winnow
