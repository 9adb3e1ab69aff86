// Writes classifier-JSONL lines: {"text": "...", "labels": {"<head>": ["a", "b"]}}.
// Text is written as UTF-8 (callers validate it), escaping only what JSON requires.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace winnow {

// Appends `s` as a JSON string literal (with quotes) to *out.
void append_json_string(std::string* out, std::string_view s);

// Appends one line (with its trailing '\n') for a multi-label head.
void append_classifier_line(std::string* out, std::string_view text, std::string_view head,
                            const std::vector<std::string_view>& labels);

}  // namespace winnow
