#include "api/url.h"

#include <gtest/gtest.h>

namespace winnow::api {
namespace {

TEST(PercentDecode, DecodesColonsAndRejectsBrokenEscapes) {
  EXPECT_EQ(percent_decode("ft%3Aclassifier%3aa", false), "ft:classifier:a");
  EXPECT_EQ(percent_decode("a+b", false), "a+b");
  EXPECT_EQ(percent_decode("a+b", true), "a b");
  EXPECT_EQ(percent_decode("%4", false), std::nullopt);
  EXPECT_EQ(percent_decode("%zz", false), std::nullopt);
  EXPECT_EQ(percent_decode("50%", false), std::nullopt);
}

TEST(PercentEncode, RoundTrips) {
  const std::string s = "ft:classifier:x y/é";
  EXPECT_EQ(percent_decode(percent_encode(s), false), s);
  EXPECT_EQ(percent_encode("a:b"), "a%3Ab");
}

TEST(SplitTarget, SeparatesPathAndQuery) {
  auto [path, query] = split_target("/v1/files?page=0&x=1");
  EXPECT_EQ(path, "/v1/files");
  EXPECT_EQ(query, "page=0&x=1");
  EXPECT_EQ(split_target("/v1").second, "");
}

TEST(PathSegments, KeepsEncodedSegments) {
  EXPECT_EQ(path_segments("/v1/models/a%3Ab"),
            (std::vector<std::string_view>{"v1", "models", "a%3Ab"}));
  EXPECT_EQ(path_segments("/v1/"), (std::vector<std::string_view>{"v1", ""}));
  EXPECT_TRUE(path_segments("/").empty());
}

TEST(QueryParams, KeepsRepeatedKeysInOrder) {
  QueryParams q("sample_type=instruct&sample_type=pretrain&search=a+b%21&flag");
  EXPECT_EQ(q.get_all("sample_type"), (std::vector<std::string>{"instruct", "pretrain"}));
  EXPECT_EQ(q.get("sample_type"), "instruct");
  EXPECT_EQ(q.get("search"), "a b!");
  EXPECT_TRUE(q.has("flag"));
  EXPECT_EQ(q.get("flag"), "");
  EXPECT_FALSE(q.get("missing"));
}

TEST(ParseValues, BoolsIntsAndDates) {
  EXPECT_EQ(parse_bool("true"), true);
  EXPECT_EQ(parse_bool("False"), false);
  EXPECT_EQ(parse_bool("maybe"), std::nullopt);
  EXPECT_EQ(parse_int("42"), 42);
  EXPECT_EQ(parse_int("4x"), std::nullopt);
  EXPECT_EQ(parse_int(""), std::nullopt);
  EXPECT_EQ(parse_int("99999999999999999999"), std::nullopt);
  EXPECT_EQ(parse_iso8601("2026-01-01T00:00:00.000Z"), 1767225600);
  EXPECT_EQ(parse_iso8601("2026-01-01"), 1767225600);
  EXPECT_EQ(parse_iso8601("2026-01-01T02:00:00+02:00"), 1767225600);
  EXPECT_EQ(parse_iso8601("1970-01-01T00:00:01Z"), 1);
  EXPECT_EQ(parse_iso8601("2026-13-01"), std::nullopt);
  EXPECT_EQ(parse_iso8601("yesterday"), std::nullopt);
}

}  // namespace
}  // namespace winnow::api
