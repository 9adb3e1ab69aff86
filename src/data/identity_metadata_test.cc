#include "data/identity_metadata.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "data/classifier_jsonl.h"

namespace winnow {
namespace {

TEST(IdentityMetadata, FlagNamesAListAllOrJigsaw) {
  EXPECT_EQ(parse_identity_columns_flag("male, female,muslim").value(),
            (std::vector<std::string>{"male", "female", "muslim"}));
  EXPECT_EQ(parse_identity_columns_flag("all").value().size(), 24u);
  EXPECT_EQ(parse_identity_columns_flag("jigsaw").value(), jigsaw_metric_identity_columns());
  EXPECT_EQ(jigsaw_metric_identity_columns().size(), 9u);
  for (const std::string& name : jigsaw_metric_identity_columns()) {
    const auto& all = civil_comments_identity_columns();
    EXPECT_NE(std::find(all.begin(), all.end(), name), all.end()) << name;
  }
  auto empty = parse_identity_columns_flag("male,,female");
  ASSERT_FALSE(empty.is_ok());
  EXPECT_NE(empty.status().message().find("--identity-columns: empty column name"),
            std::string::npos);
  auto twice = parse_identity_columns_flag("male,female,male");
  ASSERT_FALSE(twice.is_ok());
  EXPECT_EQ(twice.status().message(), "--identity-columns: 'male' is given twice");
  EXPECT_FALSE(parse_identity_columns_flag("").is_ok());
}

TEST(IdentityMetadata, WrittenValuesReadBackExactlyAndNullIsNotAnnotated) {
  const std::vector<std::string> names = {"male", "muslim", "white"};
  const std::vector<double> values = {0.8936170212765957, std::numeric_limits<double>::quiet_NaN(),
                                      1.0};
  std::string line = R"({"text": "x", "labels": {"moderation": ["safe"]}, )";
  append_identity_metadata(&line, names, values);
  line += "}";
  EXPECT_NE(
      line.find(
          R"("metadata": {"identity": {"male": 0.8936170212765957, "muslim": null, "white": 1}})"),
      std::string::npos)
      << line;
  // Still a valid classifier line; the metadata is ignored by the format's parser.
  ASSERT_TRUE(parse_classifier_line(line).is_ok());

  std::vector<double> read;
  bool present = false;
  ASSERT_TRUE(
      read_identity_metadata(line, {"white", "male", "muslim", "black"}, &read, &present).is_ok());
  EXPECT_TRUE(present);
  EXPECT_EQ(read[0], 1.0);
  EXPECT_EQ(read[1], 0.8936170212765957);
  EXPECT_TRUE(std::isnan(read[2]));
  EXPECT_TRUE(std::isnan(read[3]));  // absent key: not annotated
}

TEST(IdentityMetadata, ReadsBooleansAndReportsLinesWithoutIdentity) {
  std::vector<double> v;
  bool present = true;
  ASSERT_TRUE(
      read_identity_metadata(
          R"({"text":"a","labels":{"h":"x"},"metadata":{"identity":{"male":true,"female":false}}})",
          {"male", "female"}, &v, &present)
          .is_ok());
  EXPECT_EQ(v, (std::vector<double>{1.0, 0.0}));
  ASSERT_TRUE(
      read_identity_metadata(R"({"text":"a","labels":{"h":"x"}})", {"male"}, &v, &present).is_ok());
  EXPECT_FALSE(present);
  ASSERT_TRUE(read_identity_metadata(R"({"text":"a","labels":{"h":"x"},"metadata":{"source":"s"}})",
                                     {"male"}, &v, &present)
                  .is_ok());
  EXPECT_FALSE(present);
}

TEST(IdentityMetadata, BadValuesNameTheField) {
  std::vector<double> v;
  bool present = false;
  auto check = [&](const std::string& line, const std::string& message) {
    Status s = read_identity_metadata(line, {"male"}, &v, &present);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << line;
    EXPECT_EQ(s.message(), message) << line;
  };
  check(R"({"text":"a","metadata":{"identity":{"male":"0.5"}}})",
        "metadata.identity.male: expected a number in [0, 1], a boolean or null, got string");
  check(R"({"text":"a","metadata":{"identity":{"male":1.5}}})",
        "metadata.identity.male: expected a number in [0, 1], a boolean or null, got 1.500000");
  check(R"({"text":"a","metadata":{"identity":[1]}})",
        "metadata.identity: expected an object of identity names to values");
  check(R"({"text":"a","metadata":3})", "metadata: expected an object");
}

TEST(IdentityMetadata, CollectsKeysInFirstAppearanceOrder) {
  std::vector<std::string> keys;
  ASSERT_TRUE(
      collect_identity_keys(R"({"metadata":{"identity":{"male":0,"black":1}}})", &keys).is_ok());
  ASSERT_TRUE(
      collect_identity_keys(R"({"metadata":{"identity":{"muslim":0,"male":1}}})", &keys).is_ok());
  ASSERT_TRUE(collect_identity_keys(R"({"text":"no metadata"})", &keys).is_ok());
  EXPECT_EQ(keys, (std::vector<std::string>{"male", "black", "muslim"}));
  EXPECT_FALSE(collect_identity_keys(R"({"metadata":{"identity":{"male":"x"}}})", &keys).is_ok());
}

}  // namespace
}  // namespace winnow
