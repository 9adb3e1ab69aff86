#include "hub/rows_page.h"

#include <nlohmann/json.hpp>

namespace winnow {
namespace {

// ordered_json keeps the columns in the server's order, so the JSONL reads like the dataset.
using Json = nlohmann::ordered_json;

Result<Json> parse_object(std::string_view body) {
  try {
    Json json = Json::parse(body.begin(), body.end());
    if (!json.is_object()) return Status::corruption("expected a JSON object");
    return json;
  } catch (const Json::exception& e) {
    return Status::corruption(std::string("invalid JSON: ") + e.what());
  }
}

bool is_count(const Json& value) {
  return value.is_number_unsigned() || (value.is_number_integer() && value.get<int64_t>() >= 0);
}

}  // namespace

Result<HubRowsPage> parse_hub_rows_page(std::string_view body, uint64_t offset) {
  WINNOW_ASSIGN_OR_RETURN(Json json, parse_object(body));
  HubRowsPage page;
  auto total = json.find("num_rows_total");
  if (total == json.end() || !is_count(*total)) {
    return Status::corruption("\"num_rows_total\" missing or not a non-negative integer");
  }
  page.num_rows_total = total->get<uint64_t>();
  if (auto partial = json.find("partial"); partial != json.end()) {
    if (!partial->is_boolean()) return Status::corruption("\"partial\" is not a boolean");
    page.partial = partial->get<bool>();
  }
  auto rows = json.find("rows");
  if (rows == json.end() || !rows->is_array()) {
    return Status::corruption("\"rows\" missing or not an array");
  }
  for (const Json& item : *rows) {
    const uint64_t expected_idx = offset + page.row_count;
    const std::string where = "rows[" + std::to_string(page.row_count) + "]";
    if (!item.is_object()) return Status::corruption(where + " is not an object");
    auto idx = item.find("row_idx");
    if (idx == item.end() || !is_count(*idx) || idx->get<uint64_t>() != expected_idx) {
      return Status::corruption(where + ": \"row_idx\" should be " + std::to_string(expected_idx) +
                                ", got " + (idx == item.end() ? "nothing" : idx->dump()));
    }
    auto row = item.find("row");
    if (row == item.end() || !row->is_object()) {
      return Status::corruption(where + ": \"row\" missing or not an object");
    }
    if (auto cut = item.find("truncated_cells"); cut != item.end()) {
      if (!cut->is_array()) return Status::corruption(where + ": \"truncated_cells\" not an array");
      if (!cut->empty() && !page.has_truncated_cells) {
        page.has_truncated_cells = true;
        page.truncated_example =
            "row " + std::to_string(expected_idx) + ", column " +
            ((*cut)[0].is_string() ? (*cut)[0].get<std::string>() : (*cut)[0].dump());
      }
    }
    try {
      // Compact dump: never contains a raw newline, so each row stays one JSONL line.
      page.jsonl += row->dump();
    } catch (const Json::exception& e) {
      return Status::corruption(where + ": " + e.what());
    }
    page.jsonl += '\n';
    ++page.row_count;
  }
  return page;
}

Result<std::vector<HubSplit>> parse_hub_splits(std::string_view body) {
  WINNOW_ASSIGN_OR_RETURN(Json json, parse_object(body));
  auto splits = json.find("splits");
  if (splits == json.end() || !splits->is_array()) {
    return Status::corruption("\"splits\" missing or not an array");
  }
  std::vector<HubSplit> out;
  for (const Json& item : *splits) {
    const std::string where = "splits[" + std::to_string(out.size()) + "]";
    if (!item.is_object()) return Status::corruption(where + " is not an object");
    auto config = item.find("config");
    auto split = item.find("split");
    if (config == item.end() || !config->is_string() || split == item.end() ||
        !split->is_string()) {
      return Status::corruption(where + ": \"config\" and \"split\" must be strings");
    }
    out.push_back({config->get<std::string>(), split->get<std::string>()});
  }
  return out;
}

}  // namespace winnow
