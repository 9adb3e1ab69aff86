#include "data/classifier_jsonl.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace winnow {
namespace {

using testing::TempDir;

ClassifierSample parse_ok(std::string_view line) {
  Result<ClassifierSample> r = parse_classifier_line(line);
  EXPECT_TRUE(r.is_ok()) << line << " -> " << r.status().message();
  return r.is_ok() ? std::move(r).value() : ClassifierSample{};
}

std::string parse_error(std::string_view line) {
  Result<ClassifierSample> r = parse_classifier_line(line);
  EXPECT_FALSE(r.is_ok()) << line;
  if (r.is_ok()) return "(parsed)";
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  return r.status().message();
}

TEST(ClassifierJsonl, ParsesTextWithSingleLabelHead) {
  ClassifierSample s = parse_ok(R"({"text": "I love it", "labels": {"sentiment": "positive"}})");
  EXPECT_EQ(s.text, "I love it");
  EXPECT_TRUE(s.messages.empty());
  ASSERT_EQ(s.labels.size(), 1u);
  EXPECT_EQ(s.labels[0].head, "sentiment");
  EXPECT_EQ(s.labels[0].labels, std::vector<std::string>{"positive"});
  EXPECT_FALSE(s.labels[0].is_list);
}

TEST(ClassifierJsonl, ParsesMixedHeadsInTheLinesOrder) {
  ClassifierSample s = parse_ok(
      R"({"text":"Avena e nocciole","labels":{"food":["snacks","sweet"],"country":"italy"}})");
  ASSERT_EQ(s.labels.size(), 2u);
  EXPECT_EQ(s.labels[0].head, "food");
  EXPECT_EQ(s.labels[0].labels, (std::vector<std::string>{"snacks", "sweet"}));
  EXPECT_TRUE(s.labels[0].is_list);
  EXPECT_EQ(s.labels[1].head, "country");
  EXPECT_EQ(s.labels[1].labels, std::vector<std::string>{"italy"});
  EXPECT_FALSE(s.labels[1].is_list);
}

TEST(ClassifierJsonl, ListOfOneLabelIsStillAList) {
  ClassifierSample s = parse_ok(R"({"text":"ok","labels":{"moderation":["safe"]}})");
  ASSERT_EQ(s.labels.size(), 1u);
  EXPECT_TRUE(s.labels[0].is_list);
}

TEST(ClassifierJsonl, ParsesMessages) {
  ClassifierSample s =
      parse_ok(R"({"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":""}],)"
               R"("labels":{"intent":"greeting"}})");
  EXPECT_TRUE(s.text.empty());
  ASSERT_EQ(s.messages.size(), 2u);
  EXPECT_EQ(s.messages[0].role, "user");
  EXPECT_EQ(s.messages[0].content, "hi");
  EXPECT_EQ(s.messages[1].role, "assistant");
  EXPECT_EQ(s.messages[1].content, "");
}

TEST(ClassifierJsonl, UnescapesStrings) {
  ClassifierSample s = parse_ok(R"({"text":"say \"caf\u00e9\"\n","labels":{"l\u0061ng":"fr"}})");
  EXPECT_EQ(s.text, "say \"caf\xC3\xA9\"\n");
  EXPECT_EQ(s.labels[0].head, "lang");
}

TEST(ClassifierJsonl, IgnoresUnknownFields) {
  ClassifierSample s = parse_ok(
      R"({"id":7,"meta":{"src":[1,null]},"messages":[{"role":"user","content":"x","name":"a"}],)"
      R"("labels":{"h":"a"}})");
  EXPECT_EQ(s.messages.size(), 1u);
}

TEST(ClassifierJsonl, AcceptsNumbersBeyond64BitsInUnknownFields) {
  // Valid JSON that simdjson alone rejects; the line must not be reported as invalid.
  ClassifierSample s =
      parse_ok(R"({"id":123456789012345678901234567890,"text":"big","labels":{"h":"a"}})");
  EXPECT_EQ(s.text, "big");
  EXPECT_EQ(s.labels[0].labels, std::vector<std::string>{"a"});
}

TEST(ClassifierJsonl, ReportsEachRuleAsFieldAndProblem) {
  const std::pair<std::string, std::string> cases[] = {
      // input: exactly one of text / messages
      {R"({"text":"a","messages":[{"role":"user","content":"a"}],"labels":{"h":"x"}})",
       R"(text: both "text" and "messages" given (need exactly one))"},
      {R"({"labels":{"h":"x"}})", R"(text: missing (need "text" or "messages"))"},
      {R"({"text":"","labels":{"h":"x"}})", "text: empty string"},
      {R"({"text":3,"labels":{"h":"x"}})", "text: expected a string, got number"},
      {R"({"text":null,"labels":{"h":"x"}})", "text: expected a string, got null"},
      {R"({"text":"a","text":"b","labels":{"h":"x"}})", "text: given twice"},
      // messages
      {R"({"messages":"hi","labels":{"h":"x"}})",
       R"(messages: expected a list of {"role", "content"} objects, got string)"},
      {R"({"messages":[],"labels":{"h":"x"}})", "messages: empty list"},
      {R"({"messages":["hi"],"labels":{"h":"x"}})",
       R"(messages[0]: expected an object with "role" and "content", got string)"},
      {R"({"messages":[{"role":"user","content":"a"},{"content":"b"}],"labels":{"h":"x"}})",
       "messages[1].role: missing"},
      {R"({"messages":[{"role":"user"}],"labels":{"h":"x"}})", "messages[0].content: missing"},
      {R"({"messages":[{"role":1,"content":"a"}],"labels":{"h":"x"}})",
       "messages[0].role: expected a string, got number"},
      {R"({"messages":[{"role":"","content":"a"}],"labels":{"h":"x"}})",
       "messages[0].role: empty string"},
      {R"({"messages":[{"role":"user","content":null}],"labels":{"h":"x"}})",
       "messages[0].content: expected a string, got null"},
      {R"({"messages":[{"role":"user","content":""}],"labels":{"h":"x"}})",
       R"(messages: every "content" is empty)"},
      // labels
      {R"({"text":"a"})", "labels: missing"},
      {R"({"text":"a","labels":{}})", "labels: empty object (need at least one head)"},
      {R"({"text":"a","labels":["x"]})",
       "labels: expected an object of head names to labels, got list"},
      {R"({"text":"a","labels":"x"})",
       "labels: expected an object of head names to labels, got string"},
      {R"({"text":"a","labels":{"":"x"}})", "labels: empty head name"},
      {R"({"text":"a","labels":{"h":"x","h":"y"}})", "labels.h: given twice"},
      // head values
      {R"({"text":"a","labels":{"moderation":1}})",
       "labels.moderation: expected a string or a list of strings, got number"},
      {R"({"text":"a","labels":{"moderation":true}})",
       "labels.moderation: expected a string or a list of strings, got boolean"},
      {R"({"text":"a","labels":{"moderation":{"x":1}}})",
       "labels.moderation: expected a string or a list of strings, got object"},
      {R"({"text":"a","labels":{"moderation":""}})", "labels.moderation: empty string"},
      {R"({"text":"a","labels":{"moderation":[]}})",
       "labels.moderation: empty list (need at least one label)"},
      {R"({"text":"a","labels":{"moderation":["toxicity",2]}})",
       "labels.moderation[1]: expected a string, got number"},
      {R"({"text":"a","labels":{"moderation":["toxicity",["insult"]]}})",
       "labels.moderation[1]: expected a string, got list"},
      {R"({"text":"a","labels":{"moderation":["toxicity",""]}})",
       "labels.moderation[1]: empty string"},
      {R"({"text":"a","labels":{"moderation":["insult","toxicity","insult"]}})",
       R"(labels.moderation[2]: duplicate label "insult")"},
      // the line as a whole
      {R"([{"text":"a","labels":{"h":"x"}}])", "line is not a JSON object (got list)"},
      {R"("text")", "line is not a JSON object (got string)"},
      {"   ", "line is blank"},
  };
  for (const auto& [line, expected] : cases) {
    SCOPED_TRACE(line);
    EXPECT_EQ(parse_error(line), expected);
  }
}

TEST(ClassifierJsonl, InputIsCheckedBeforeLabels) {
  EXPECT_EQ(parse_error(R"({"labels":{"h":1},"text":""})"), "text: empty string");
}

TEST(ClassifierJsonl, InvalidJsonNamesTheColumn) {
  EXPECT_EQ(parse_error(R"({"text":"a", "labels": {"h": "x"},})"),
            "line is not valid JSON (column 35: syntax error while parsing object key - "
            "unexpected '}'; expected string literal)");
  std::string trailing = parse_error(R"({"text":"a","labels":{"h":"x"}} extra)");
  EXPECT_TRUE(trailing.starts_with("line is not valid JSON (column ")) << trailing;
  std::string surrogate = parse_error(R"({"text":"\ud800","labels":{"h":"x"}})");
  EXPECT_TRUE(surrogate.starts_with("line is not valid JSON (")) << surrogate;
  std::string control = parse_error("{\"text\":\"a\tb\",\"labels\":{\"h\":\"x\"}}");
  EXPECT_TRUE(control.starts_with("line is not valid JSON (")) << control;
}

TEST(ClassifierJsonl, RefusesDeepNestingWithoutExhaustingTheStack) {
  const std::string deep = std::string(300000, '[') + std::string(300000, ']');
  EXPECT_EQ(parse_error(R"({"text":"a","labels":{"h":"x"},"deep":)" + deep + "}"),
            "line nests lists and objects deeper than 1024 levels");
  // A number simdjson cannot hold comes first, so the line reaches the nlohmann path.
  EXPECT_EQ(parse_error(R"({"id":123456789012345678901234567890,"deep":)" + deep + "}"),
            "line nests lists and objects deeper than 1024 levels");
  const std::string shallow = std::string(1000, '[') + std::string(1000, ']');
  parse_ok(R"({"text":"a","labels":{"h":"x"},"nested":)" + shallow + "}");
}

TEST(ClassifierJsonl, NumberBeyondDoubleRangeIsReported) {
  EXPECT_EQ(parse_error(R"({"text":"a","labels":{"h":"x"},"score":1e400})"),
            "line is not valid JSON (number overflow parsing '1e400')");
}

TEST(ClassifierJsonl, InvalidUtf8NamesTheByte) {
  // A truncated two-byte sequence at byte 13 (1-based), inside the text.
  EXPECT_EQ(parse_error("{\"text\":\"caf\xC3\",\"labels\":{\"h\":\"x\"}}"),
            "invalid UTF-8 at byte 13");
  // An overlong '/' in a label.
  EXPECT_EQ(parse_error("{\"text\":\"a\",\"labels\":{\"h\":\"\xC0\xAF\"}}"),
            "invalid UTF-8 at byte 28");
  // Invalid bytes outside any string.
  EXPECT_EQ(parse_error("\xFF{\"text\":\"a\",\"labels\":{\"h\":\"x\"}}"),
            "invalid UTF-8 at byte 1");
}

TEST(ClassifierJsonl, BlankLinesAreOnlyWhitespace) {
  EXPECT_TRUE(is_blank_line(""));
  EXPECT_TRUE(is_blank_line(" \t\r\f\v"));
  EXPECT_FALSE(is_blank_line(" {} "));
  EXPECT_FALSE(is_blank_line("\xC2\xA0"));  // no-break space is not JSON whitespace
}

TEST(ClassifierJsonl, ReusedSampleHoldsOnlyTheLatestLine) {
  ClassifierSample s;
  ASSERT_TRUE(parse_classifier_line(
                  R"({"messages":[{"role":"user","content":"a"},{"role":"user","content":"b"}],)"
                  R"("labels":{"a":["x","y"],"b":"z","c":"w"}})",
                  &s)
                  .is_ok());
  ASSERT_TRUE(parse_classifier_line(R"({"text":"t","labels":{"b":["q"]}})", &s).is_ok());
  EXPECT_EQ(s.text, "t");
  EXPECT_TRUE(s.messages.empty());
  ASSERT_EQ(s.labels.size(), 1u);
  EXPECT_EQ(s.labels[0].head, "b");
  EXPECT_EQ(s.labels[0].labels, std::vector<std::string>{"q"});
  EXPECT_TRUE(s.labels[0].is_list);
  ASSERT_TRUE(parse_classifier_line(
                  R"({"messages":[{"role":"user","content":"m"}],"labels":{"b":"r"}})", &s)
                  .is_ok());
  EXPECT_TRUE(s.text.empty());
  ASSERT_EQ(s.messages.size(), 1u);
  EXPECT_EQ(s.messages[0].content, "m");
  EXPECT_FALSE(s.labels[0].is_list);
}

TEST(ClassifierSchema, NumbersHeadsAndLabelsInFirstAppearanceOrder) {
  ClassifierSchema schema;
  schema.add(parse_ok(R"({"text":"a","labels":{"food":["snacks","sweet"],"country":"italy"}})"));
  schema.add(parse_ok(R"({"text":"b","labels":{"country":"france","food":"fruit"}})"));
  schema.add(parse_ok(R"({"text":"c","labels":{"spicy":"no","food":["sweet"]}})"));
  const auto& heads = schema.heads();
  ASSERT_EQ(heads.size(), 3u);
  EXPECT_EQ(heads[0].name, "food");
  EXPECT_EQ(heads[0].labels, (std::vector<std::string>{"snacks", "sweet", "fruit"}));
  EXPECT_EQ(heads[0].label_counts, (std::vector<uint64_t>{1, 2, 1}));
  EXPECT_EQ(heads[0].samples_with_head, 3u);
  EXPECT_EQ(heads[1].name, "country");
  EXPECT_EQ(heads[1].labels, (std::vector<std::string>{"italy", "france"}));
  EXPECT_EQ(heads[1].samples_with_head, 2u);
  EXPECT_EQ(heads[2].name, "spicy");
  EXPECT_EQ(schema.find_head("country"), 1);
  EXPECT_EQ(schema.find_head("nope"), -1);
  EXPECT_EQ(schema.find_label(0, "fruit"), 2);
  EXPECT_EQ(schema.find_label(0, "italy"), -1);
  EXPECT_EQ(schema.find_label(7, "fruit"), -1);
}

TEST(ClassifierSchema, HeadIsMultiLabelIfAnyValueIsAList) {
  ClassifierSchema schema;
  schema.add(parse_ok(R"({"text":"a","labels":{"mixed":"x","single":"p"}})"));
  schema.add(parse_ok(R"({"text":"b","labels":{"mixed":["y"],"single":"q"}})"));
  schema.add(parse_ok(R"({"text":"c","labels":{"mixed":"z","single":"p"}})"));
  EXPECT_TRUE(schema.heads()[0].multi_label);
  EXPECT_FALSE(schema.heads()[1].multi_label);
}

// --- validate_classifier_files ---

const char kGood[] = R"({"text":"a","labels":{"moderation":["toxicity","insult"]}})"
                     "\n"
                     R"({"text":"b","labels":{"moderation":["safe"]}})"
                     "\n";

TEST(ValidateClassifierFiles, RecordsEveryBadLineWithFileAndLine) {
  TempDir dir;
  std::string path = dir.file("train.jsonl");
  testing::write_file(path, std::string(kGood) +
                                "\n"  // line 3: blank, skipped and not counted
                                R"({"text":"c","labels":{"moderation":[1]}})"
                                "\n"
                                R"({"text":"","labels":{"moderation":"x"}})"
                                "\n"
                                R"({"text":"d","labels":{"moderation":"insult"}})"
                                "\n");
  Result<ValidationReport> r = validate_classifier_files({path});
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  const ValidationReport& report = r.value();
  EXPECT_FALSE(report.ok());
  EXPECT_EQ(report.lines_total, 5u);
  EXPECT_EQ(report.samples_valid, 3u);
  EXPECT_EQ(report.lines_per_file, std::vector<uint64_t>{5});
  EXPECT_EQ(report.samples_per_file, std::vector<uint64_t>{3});
  EXPECT_EQ(report.problems_per_file, std::vector<uint64_t>{2});
  EXPECT_EQ(report.problem_count, 2u);
  ASSERT_EQ(report.problems.size(), 2u);
  EXPECT_EQ(report.problems[0].to_string(),
            path + ":4: labels.moderation[0]: expected a string, got number");
  EXPECT_EQ(report.problems[1].to_string(), path + ":5: text: empty string");
  // The schema holds only valid lines: the bad line 5's "x" is absent.
  const HeadSchema& head = report.schema.heads().at(0);
  EXPECT_EQ(head.labels, (std::vector<std::string>{"toxicity", "insult", "safe"}));
  EXPECT_EQ(head.label_counts, (std::vector<uint64_t>{1, 2, 1}));
}

TEST(ValidateClassifierFiles, ValidFilesGiveNoProblems) {
  TempDir dir;
  testing::write_file(dir.file("a.jsonl"), kGood);
  testing::write_gzip_file(dir.file("b.jsonl.gz"), "\xEF\xBB\xBF" + std::string(kGood) + "\r\n");
  Result<ValidationReport> r =
      validate_classifier_files({dir.file("a.jsonl"), dir.file("b.jsonl.gz")});
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_TRUE(r->ok());
  EXPECT_TRUE(r->problems.empty());
  EXPECT_EQ(r->files, (std::vector<std::string>{dir.file("a.jsonl"), dir.file("b.jsonl.gz")}));
  EXPECT_EQ(r->samples_per_file, (std::vector<uint64_t>{2, 2}));
  EXPECT_EQ(r->samples_valid, 4u);
  EXPECT_EQ(r->schema.heads().at(0).label_counts, (std::vector<uint64_t>{2, 2, 2}));
}

TEST(ValidateClassifierFiles, FileWithoutSamplesIsAProblem) {
  TempDir dir;
  testing::write_file(dir.file("good.jsonl"), kGood);
  testing::write_file(dir.file("empty.jsonl"), "\n  \n");
  testing::write_file(dir.file("bad.jsonl"), "{}\n[]\n");
  Result<ValidationReport> r = validate_classifier_files(
      {dir.file("good.jsonl"), dir.file("empty.jsonl"), dir.file("bad.jsonl")});
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  ASSERT_EQ(r->problems.size(), 4u);
  EXPECT_EQ(r->problems[0].to_string(),
            dir.file("empty.jsonl") + ": no samples (the file is empty or has only blank lines)");
  EXPECT_EQ(r->problems[1].line, 1u);
  EXPECT_EQ(r->problems[2].line, 2u);
  EXPECT_EQ(r->problems[3].to_string(),
            dir.file("bad.jsonl") + ": no samples (all 2 lines have problems)");
  EXPECT_EQ(r->problems_per_file, (std::vector<uint64_t>{0, 1, 3}));
}

TEST(ValidateClassifierFiles, HeadWithOneLabelIsAProblemOfTheFileWhereItAppears) {
  TempDir dir;
  testing::write_file(dir.file("a.jsonl"), kGood);
  testing::write_file(dir.file("b.jsonl"),
                      R"({"text":"x","labels":{"moderation":"safe","lang":"en"}})"
                      "\n"
                      R"({"text":"y","labels":{"lang":"en"}})"
                      "\n");
  Result<ValidationReport> r =
      validate_classifier_files({dir.file("a.jsonl"), dir.file("b.jsonl")});
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  ASSERT_EQ(r->problems.size(), 1u);
  EXPECT_EQ(r->problems[0].file, dir.file("b.jsonl"));
  EXPECT_EQ(r->problems[0].line, 0u);
  EXPECT_EQ(
      r->problems[0].message,
      R"(labels.lang: only one label ("en") in all files; a classifier head needs at least 2)");
}

TEST(ValidateClassifierFiles, SinkReceivesProblemsInsteadOfTheReport) {
  TempDir dir;
  testing::write_file(dir.file("a.jsonl"), std::string(kGood) + "{\n" + "[]\n");
  std::vector<std::string> streamed;
  Result<ValidationReport> r = validate_classifier_files(
      {dir.file("a.jsonl")}, [&](const LineProblem& p) { streamed.push_back(p.to_string()); });
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_TRUE(r->problems.empty());
  EXPECT_EQ(r->problem_count, 2u);
  EXPECT_FALSE(r->ok());
  ASSERT_EQ(streamed.size(), 2u);
  EXPECT_TRUE(streamed[0].starts_with(dir.file("a.jsonl") + ":3: line is not valid JSON ("))
      << streamed[0];
  EXPECT_EQ(streamed[1], dir.file("a.jsonl") + ":4: line is not a JSON object (got list)");
}

TEST(ValidateClassifierFiles, UnreadableFilesAreErrors) {
  TempDir dir;
  Result<ValidationReport> missing = validate_classifier_files({dir.file("nope.jsonl")});
  ASSERT_FALSE(missing.is_ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("nope.jsonl"), std::string::npos);

  std::string big;
  for (int i = 0; i < 20000; ++i) {
    big += R"({"text":"row )" + std::to_string(i * 7919) + R"(","labels":{"h":"x"}})" + "\n";
  }
  testing::write_gzip_file(dir.file("full.gz"), big);
  std::string bytes = testing::read_file(dir.file("full.gz"));
  testing::write_file(dir.file("cut.gz"), bytes.substr(0, bytes.size() / 2));
  Result<ValidationReport> cut = validate_classifier_files({dir.file("cut.gz")});
  ASSERT_FALSE(cut.is_ok());
  EXPECT_EQ(cut.status().code(), StatusCode::kCorruption);
  EXPECT_NE(cut.status().message().find("cut.gz: truncated gzip"), std::string::npos);

  EXPECT_EQ(validate_classifier_files({}).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace winnow
