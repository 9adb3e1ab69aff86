#include "report/distribution_table.h"

#include <algorithm>
#include <cstdio>

namespace winnow {
namespace {

// Terminal columns taken by `text`: one per UTF-8 code point (wide CJK glyphs are not
// special-cased).
size_t display_width(std::string_view text) {
  size_t width = 0;
  for (char c : text) width += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return width;
}

// Rows of cells; column 0 is left-aligned, the others right-aligned.
std::string align_columns(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t c = 0; c < row.size(); ++c) {
      widths[c] = std::max(widths[c], display_width(row[c]));
    }
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      std::string pad(widths[c] - display_width(row[c]), ' ');
      if (c == 0) {
        line += row[c] + pad;
      } else {
        line += "   " + pad + row[c];
      }
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

std::string percent_of(uint64_t part, uint64_t whole) {
  if (whole == 0) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%",
                100.0 * static_cast<double>(part) / static_cast<double>(whole));
  return buf;
}

}  // namespace

std::string format_distribution_table(const HeadDistribution& dist) {
  std::string out =
      "head \"" + dist.head + "\" (no flags = only \"" + dist.safe_label + "\" or no value)\n\n";
  std::vector<std::vector<std::string>> summary = {
      {"split", "samples", "no flags", "%", "flagged", "%"}};
  for (const SplitDistribution& s : dist.splits) {
    summary.push_back({s.split, std::to_string(s.samples), std::to_string(s.no_flags),
                       percent_of(s.no_flags, s.samples), std::to_string(s.flagged),
                       percent_of(s.flagged, s.samples)});
  }
  out += align_columns(summary);
  if (dist.splits.empty() || dist.splits[0].labels.empty()) return out;

  out += "\nflagged per label (% of the split's samples)\n";
  std::vector<std::vector<std::string>> labels = {{"label"}};
  for (const SplitDistribution& s : dist.splits) {
    labels[0].push_back(s.split);
    labels[0].push_back("%");
  }
  // Every split lists the same labels in the same order (DatasetStats guarantees it).
  for (size_t l = 0; l < dist.splits[0].labels.size(); ++l) {
    std::vector<std::string> row = {dist.splits[0].labels[l].label};
    for (const SplitDistribution& s : dist.splits) {
      row.push_back(std::to_string(s.labels[l].flagged));
      row.push_back(percent_of(s.labels[l].flagged, s.samples));
    }
    labels.push_back(std::move(row));
  }
  out += align_columns(labels);
  return out;
}

nlohmann::ordered_json distribution_to_json(const HeadDistribution& dist,
                                            const std::vector<std::string>& heads) {
  nlohmann::ordered_json out;
  out["head"] = dist.head;
  out["safe_label"] = dist.safe_label;
  out["heads"] = heads;
  out["splits"] = nlohmann::ordered_json::array();
  for (const SplitDistribution& s : dist.splits) {
    nlohmann::ordered_json split;
    split["name"] = s.split;
    split["file"] = s.path;
    split["samples"] = s.samples;
    split["no_flags"] = s.no_flags;
    split["flagged"] = s.flagged;
    split["labels"] = nlohmann::ordered_json::array();
    for (const LabelCount& l : s.labels) {
      split["labels"].push_back(
          {{"label", l.label}, {"flagged", l.flagged}, {"not_flagged", l.not_flagged}});
    }
    out["splits"].push_back(std::move(split));
  }
  return out;
}

}  // namespace winnow
