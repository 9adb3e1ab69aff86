// Writes classifier-JSONL lines: {"text": "...", "labels": {"<head>": ["a", "b"]}}.
// Text is written as UTF-8 (callers validate it), escaping only what JSON requires.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "data/byte_scan.h"

namespace winnow {

// Appends `s` as a JSON string literal (with quotes) to *out (any std::basic_string<char>).
// With `csv_quoted`, `s` is the inside of a quoted CSV field as written in the file, and each
// doubled quote ("") in it stands for one: unquoting and escaping in one pass, without a copy.
template <typename String>
void append_json_string(String* out, std::string_view s, bool csv_quoted = false) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t run = 0;  // start of the pending run of bytes that need no escaping
  for (size_t i = find_json_escape(s.data(), s.size()); i < s.size();
       i = run + find_json_escape(s.data() + run, s.size() - run)) {
    const auto c = static_cast<unsigned char>(s[i]);
    out->append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out->append("\\\"");
        if (csv_quoted && run < s.size() && s[run] == '"') ++run;
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      default:
        out->append("\\u00");
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 15]);
    }
  }
  out->append(s.data() + run, s.size() - run);
  out->push_back('"');
}

// Appends one line (with its trailing '\n') for a multi-label head. `extra_fields`, when not
// empty, is written after the labels as further top-level members of the object (already
// formatted JSON, e.g. `"metadata": {...}`, without a leading comma). `text_csv_quoted`: the
// text is the inside of a quoted CSV field (see append_json_string).
template <typename String>
void append_classifier_line(String* out, std::string_view text, std::string_view head,
                            const std::vector<std::string_view>& labels,
                            std::string_view extra_fields = {}, bool text_csv_quoted = false) {
  out->append("{\"text\": ");
  append_json_string(out, text, text_csv_quoted);
  out->append(", \"labels\": {");
  append_json_string(out, head);
  out->append(": [");
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out->append(", ");
    append_json_string(out, labels[i]);
  }
  out->append("]}");
  if (!extra_fields.empty()) {
    out->append(", ");
    out->append(extra_fields.data(), extra_fields.size());
  }
  out->append("}\n");
}

}  // namespace winnow
