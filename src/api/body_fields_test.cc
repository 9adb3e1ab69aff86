// The body-field readers every route uses: what each accepts, and the error each records.
#include "api/body_fields.h"

#include <gtest/gtest.h>

namespace winnow::api {
namespace {

using nlohmann::json;

// The one error `errors` holds, as {"type", "loc", "msg", "input"?}.
json only_error(const FieldErrors& errors) {
  const auto detail = errors.body()["detail"];
  EXPECT_EQ(detail.size(), 1u) << detail.dump();
  return detail.empty() ? json() : json::parse(detail[0].dump());
}

TEST(BodyFields, AbsentAndNullAreNotErrorsUnlessRequired) {
  const json body = {{"a", nullptr}};
  FieldErrors errors;
  EXPECT_EQ(number_field(body, "a", body_loc({"a"}), 0, 1, false, &errors), std::nullopt);
  EXPECT_EQ(int_field(body, "b", body_loc({"b"}), 0, &errors), std::nullopt);
  EXPECT_EQ(string_field(body, "a", body_loc({"a"}), &errors), std::nullopt);
  EXPECT_EQ(string_list_field(body, "a", body_loc({"a"}), &errors), std::nullopt);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(required_string_field(body, "a", body_loc({"a"}), &errors), std::nullopt);
  const json e = only_error(errors);
  EXPECT_EQ(e["type"], "missing");
  EXPECT_EQ(e["loc"], json::array({"body", "a"}));
  EXPECT_EQ(e["msg"], "Field required");
}

TEST(BodyFields, NumbersAreCheckedAgainstTheirRange) {
  FieldErrors ok;
  EXPECT_EQ(number_field({{"x", 0.5}}, "x", body_loc({"x"}), 0, 1, true, &ok), 0.5);
  EXPECT_EQ(number_field({{"x", 1}}, "x", body_loc({"x"}), 0, 1, true, &ok), 1.0);
  EXPECT_TRUE(ok.empty());
  FieldErrors low;
  EXPECT_EQ(number_field({{"x", 0}}, "x", body_loc({"x"}), 0, 1, true, &low), std::nullopt);
  EXPECT_EQ(only_error(low)["type"], "greater_than");
  EXPECT_EQ(only_error(low)["msg"], "Input should be greater than 0");
  FieldErrors high;
  EXPECT_EQ(number_field({{"x", 2}}, "x", body_loc({"x"}), 0, 1, false, &high), std::nullopt);
  EXPECT_EQ(only_error(high)["type"], "less_than_equal");
  FieldErrors text;
  EXPECT_EQ(number_field({{"x", "1"}}, "x", body_loc({"x"}), 0, 1, false, &text), std::nullopt);
  EXPECT_EQ(only_error(text)["type"], "float_type");
  EXPECT_EQ(only_error(text)["input"], "1");
}

TEST(BodyFields, IntegersAcceptIntegralFloatsAndCheckBothBounds) {
  FieldErrors ok;
  EXPECT_EQ(int_field({{"k", 5}}, "k", body_loc({"k"}), 1, &ok, 100), 5);
  EXPECT_EQ(int_field({{"k", 7.0}}, "k", body_loc({"k"}), 1, &ok, 100), 7);
  EXPECT_TRUE(ok.empty());
  FieldErrors frac;
  EXPECT_EQ(int_field({{"k", 2.5}}, "k", body_loc({"k"}), 1, &frac), std::nullopt);
  EXPECT_EQ(only_error(frac)["type"], "int_type");
  FieldErrors low;
  EXPECT_EQ(int_field({{"k", 0}}, "k", body_loc({"k"}), 1, &low, 100), std::nullopt);
  EXPECT_EQ(only_error(low)["msg"], "Input should be greater than or equal to 1");
  FieldErrors high;
  EXPECT_EQ(int_field({{"k", 101}}, "k", body_loc({"k"}), 1, &high, 100), std::nullopt);
  EXPECT_EQ(only_error(high)["msg"], "Input should be less than or equal to 100");
}

TEST(BodyFields, StringListsNameEveryBadElementByIndex) {
  FieldErrors ok;
  EXPECT_EQ(string_list_field({{"l", {"a", "b"}}}, "l", body_loc({"l"}), &ok),
            (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(ok.empty());
  FieldErrors bad;
  EXPECT_EQ(string_list_field({{"l", json::array({"a", 1, "c", false})}}, "l", body_loc({"l"}), &bad),
            std::nullopt);
  const auto detail = bad.body()["detail"];
  ASSERT_EQ(detail.size(), 2u);
  EXPECT_EQ(json::parse(detail[0].dump())["loc"], json::array({"body", "l", 1}));
  EXPECT_EQ(json::parse(detail[1].dump())["loc"], json::array({"body", "l", 3}));
  FieldErrors not_list;
  EXPECT_EQ(string_list_field({{"l", "a"}}, "l", body_loc({"l"}), &not_list), std::nullopt);
  EXPECT_EQ(only_error(not_list)["type"], "list_type");
}

}  // namespace
}  // namespace winnow::api
