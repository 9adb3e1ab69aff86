#include "core/status.h"

#include <gtest/gtest.h>

namespace winnow {
namespace {

Result<int> parse_positive(int v) {
  if (v <= 0) return Status::invalid_argument("not positive");
  return v;
}

Status use_parse(int v, int* out) {
  WINNOW_ASSIGN_OR_RETURN(*out, parse_positive(v));
  return Status::ok();
}

TEST(Status, ContextIsPrefixedAndCodeKept) {
  Status s = Status::invalid_argument("toxicity: not a number").with_context("train.csv:3");
  EXPECT_EQ(s.message(), "train.csv:3: toxicity: not a number");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Status::ok().with_context("x").is_ok());
}

TEST(Result, AssignOrReturnPropagatesErrors) {
  int out = 0;
  EXPECT_TRUE(use_parse(5, &out).is_ok());
  EXPECT_EQ(out, 5);
  Status s = use_parse(-1, &out);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "not positive");
}

TEST(Result, ConstructingFromOkStatusIsAnInternalError) {
  Result<int> r{Status::ok()};
  EXPECT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInternal);
}

}  // namespace
}  // namespace winnow
