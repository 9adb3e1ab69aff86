#include "data/identity_metadata.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "data/classifier_writer.h"

namespace winnow {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

std::string_view trim_spaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The line's metadata.identity object, or nullptr-equivalent (*found false) when absent.
Status find_identity_object(std::string_view line, simdjson::dom::object* identity, bool* found) {
  thread_local simdjson::dom::parser parser;
  *found = false;
  element root;
  if (parser.parse(line.data(), line.size()).get(root) != simdjson::SUCCESS) {
    // parse_classifier_line accepts a few lines simdjson rejects (integers beyond 64 bits in
    // ignored fields); such a line has no identity values we could read.
    return Status::invalid_argument("metadata: the line cannot be read for identity values");
  }
  simdjson::dom::object obj;
  if (root.get_object().get(obj) != simdjson::SUCCESS) {
    return Status::invalid_argument("line is not a JSON object");
  }
  element metadata;
  if (obj["metadata"].get(metadata) != simdjson::SUCCESS) return Status::ok();
  if (metadata.type() == element_type::NULL_VALUE) return Status::ok();
  simdjson::dom::object meta_obj;
  if (metadata.get_object().get(meta_obj) != simdjson::SUCCESS) {
    return Status::invalid_argument("metadata: expected an object");
  }
  element id;
  if (meta_obj["identity"].get(id) != simdjson::SUCCESS) return Status::ok();
  if (id.get_object().get(*identity) != simdjson::SUCCESS) {
    return Status::invalid_argument(
        "metadata.identity: expected an object of identity names to values");
  }
  *found = true;
  return Status::ok();
}

Status identity_value(element v, std::string_view name, double* out) {
  const auto bad = [&](std::string_view got) {
    return Status::invalid_argument("metadata.identity." + std::string(name) +
                                    ": expected a number in [0, 1], a boolean or null, got " +
                                    std::string(got));
  };
  switch (v.type()) {
    case element_type::NULL_VALUE:
      *out = std::nan("");
      return Status::ok();
    case element_type::BOOL:
      *out = v.get_bool().value_unsafe() ? 1.0 : 0.0;
      return Status::ok();
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE: {
      double d = 0;
      if (v.get_double().get(d) != simdjson::SUCCESS) return bad("a number out of range");
      if (!(d >= 0 && d <= 1)) return bad(std::to_string(d));
      *out = d;
      return Status::ok();
    }
    case element_type::STRING:
      return bad("string");
    case element_type::ARRAY:
      return bad("list");
    case element_type::OBJECT:
      return bad("object");
  }
  return bad("unknown");
}

}  // namespace

const std::vector<std::string>& civil_comments_identity_columns() {
  static const std::vector<std::string> k = {"asian",
                                             "atheist",
                                             "bisexual",
                                             "black",
                                             "buddhist",
                                             "christian",
                                             "female",
                                             "heterosexual",
                                             "hindu",
                                             "homosexual_gay_or_lesbian",
                                             "intellectual_or_learning_disability",
                                             "jewish",
                                             "latino",
                                             "male",
                                             "muslim",
                                             "other_disability",
                                             "other_gender",
                                             "other_race_or_ethnicity",
                                             "other_religion",
                                             "other_sexual_orientation",
                                             "physical_disability",
                                             "psychiatric_or_mental_illness",
                                             "transgender",
                                             "white"};
  return k;
}

const std::vector<std::string>& jigsaw_metric_identity_columns() {
  static const std::vector<std::string> k = {
      "male",  "female", "homosexual_gay_or_lesbian",    "christian", "jewish", "muslim",
      "black", "white",  "psychiatric_or_mental_illness"};
  return k;
}

Result<std::vector<std::string>> parse_identity_columns_flag(std::string_view spec) {
  const std::string_view trimmed = trim_spaces(spec);
  if (trimmed == "all") return civil_comments_identity_columns();
  if (trimmed == "jigsaw") return jigsaw_metric_identity_columns();
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    const size_t comma = spec.find(',', start);
    const std::string_view item = trim_spaces(
        spec.substr(start, comma == std::string_view::npos ? spec.npos : comma - start));
    if (item.empty()) {
      return Status::invalid_argument(
          "--identity-columns: empty column name (give a comma-separated list, 'all' or "
          "'jigsaw')");
    }
    if (std::find(out.begin(), out.end(), item) != out.end()) {
      return Status::invalid_argument("--identity-columns: '" + std::string(item) +
                                      "' is given twice");
    }
    out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

void append_identity_metadata(std::string* out, const std::vector<std::string>& names,
                              const std::vector<double>& values) {
  out->append("\"metadata\": {\"identity\": {");
  for (size_t j = 0; j < names.size(); ++j) {
    if (j > 0) out->append(", ");
    append_json_string(out, names[j]);
    out->append(": ");
    const double v = values[j];
    if (std::isnan(v)) {
      out->append("null");
    } else {
      char buf[32];
      const auto r = std::to_chars(buf, buf + sizeof buf, v);
      out->append(buf, r.ptr);
    }
  }
  out->append("}}");
}

Status read_identity_metadata(std::string_view line, const std::vector<std::string>& names,
                              std::vector<double>* values, bool* present,
                              std::vector<uint8_t>* keys_seen) {
  values->assign(names.size(), std::nan(""));
  simdjson::dom::object identity;
  WINNOW_RETURN_IF_ERROR(find_identity_object(line, &identity, present));
  if (!*present) return Status::ok();
  for (auto [key, value] : identity) {
    for (size_t j = 0; j < names.size(); ++j) {
      if (names[j] != key) continue;
      WINNOW_RETURN_IF_ERROR(identity_value(value, key, &(*values)[j]));
      if (keys_seen != nullptr) (*keys_seen)[j] = 1;
      break;
    }
  }
  return Status::ok();
}

Status collect_identity_keys(std::string_view line, std::vector<std::string>* keys,
                             bool* present_out) {
  simdjson::dom::object identity;
  bool present = false;
  WINNOW_RETURN_IF_ERROR(find_identity_object(line, &identity, &present));
  if (present_out != nullptr) *present_out = present;
  if (!present) return Status::ok();
  for (auto [key, value] : identity) {
    double ignored = 0;
    WINNOW_RETURN_IF_ERROR(identity_value(value, key, &ignored));
    if (std::find(keys->begin(), keys->end(), key) == keys->end()) keys->emplace_back(key);
  }
  return Status::ok();
}

}  // namespace winnow
