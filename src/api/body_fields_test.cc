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
  EXPECT_EQ(
      string_list_field({{"l", json::array({"a", 1, "c", false})}}, "l", body_loc({"l"}), &bad),
      std::nullopt);
  const auto detail = bad.body()["detail"];
  ASSERT_EQ(detail.size(), 2u);
  EXPECT_EQ(json::parse(detail[0].dump())["loc"], json::array({"body", "l", 1}));
  EXPECT_EQ(json::parse(detail[1].dump())["loc"], json::array({"body", "l", 3}));
  FieldErrors not_list;
  EXPECT_EQ(string_list_field({{"l", "a"}}, "l", body_loc({"l"}), &not_list), std::nullopt);
  EXPECT_EQ(only_error(not_list)["type"], "list_type");
}

TEST(BodyFields, ClearableStringTellsAbsentFromNullFromAValue) {
  const json body = {{"n", nullptr}, {"s", "x"}, {"i", 3}};
  FieldErrors errors;
  EXPECT_EQ(clearable_string_field(body, "absent", body_loc({"absent"}), &errors), std::nullopt);
  const auto cleared = clearable_string_field(body, "n", body_loc({"n"}), &errors);
  ASSERT_TRUE(cleared.has_value());
  EXPECT_EQ(*cleared, std::nullopt);
  const auto set = clearable_string_field(body, "s", body_loc({"s"}), &errors);
  ASSERT_TRUE(set.has_value());
  EXPECT_EQ(*set, std::optional<std::string>("x"));
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(clearable_string_field(body, "i", body_loc({"i"}), &errors), std::nullopt);
  const json e = only_error(errors);
  EXPECT_EQ(e["type"], "string_type");
  EXPECT_EQ(e["loc"], json::array({"body", "i"}));
  EXPECT_EQ(e["input"], 3);
}

TEST(BodyFields, BooleansAreNotCoerced) {
  FieldErrors ok;
  EXPECT_EQ(bool_field({{"b", false}}, "b", body_loc({"b"}), &ok), false);
  EXPECT_EQ(bool_field({{"b", nullptr}}, "b", body_loc({"b"}), &ok), std::nullopt);
  EXPECT_TRUE(ok.empty());
  FieldErrors bad;
  EXPECT_EQ(bool_field({{"b", "true"}}, "b", body_loc({"b"}), &bad), std::nullopt);
  EXPECT_EQ(only_error(bad)["type"], "bool_type");
  EXPECT_EQ(only_error(bad)["msg"], "Input should be a valid boolean");
}

// The one table of pydantic's (type, msg) per expected JSON type (responses.h JsonType).
TEST(FieldErrorsTable, EachExpectedTypeHasItsPydanticTypeAndMessage) {
  const std::pair<JsonType, std::pair<const char*, const char*>> table[] = {
      {JsonType::kString, {"string_type", "Input should be a valid string"}},
      {JsonType::kInteger, {"int_type", "Input should be a valid integer"}},
      {JsonType::kNumber, {"float_type", "Input should be a valid number"}},
      {JsonType::kBoolean, {"bool_type", "Input should be a valid boolean"}},
      {JsonType::kList, {"list_type", "Input should be a valid list"}},
      {JsonType::kObject,
       {"model_attributes_type",
        "Input should be a valid dictionary or object to extract fields from"}},
      {JsonType::kUuid, {"uuid_type", "Input should be a valid UUID"}},
  };
  for (const auto& [expected, text] : table) {
    FieldErrors errors;
    errors.wrong_type(expected, body_loc({"f"}), 1);
    const json e = only_error(errors);
    EXPECT_EQ(e["type"], text.first);
    EXPECT_EQ(e["msg"], text.second);
    EXPECT_EQ(e["input"], 1);
  }
  FieldErrors missing;
  missing.missing(body_loc({"f"}));
  EXPECT_EQ(only_error(missing),
            json({{"type", "missing"}, {"loc", {"body", "f"}}, {"msg", "Field required"}}));
}

}  // namespace
}  // namespace winnow::api
