// Plain-text tables for terminal summaries: columns right-aligned except the first.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace winnow::cli {

class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header) : rows_{std::move(header)} {}
  void add_row(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  std::string render() const;

 private:
  std::vector<std::vector<std::string>> rows_;
};

// 0.0123 → "1.23%".
std::string percent(double fraction, int decimals = 2);

}  // namespace winnow::cli
