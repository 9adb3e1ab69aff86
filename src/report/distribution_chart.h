// The label-distribution figure of the seed tutorial's Step 2, drawn with Cairo: one row per
// split, three panels per row:
//   (a) "<Split> Samples (Category Distribution)": pie of No Flags + each label, largest first,
//       with percentages inside slices big enough to hold them and a legend listing every slice
//       with its count and share (so small slices stay readable without overlapping text);
//   (b) "<Split> Samples (Flagged vs None-Flagged)": blue / red pie with a legend;
//   (c) "<Split> Samples (Stacked Bar)": per label, not-flagged (blue, bottom) and flagged (red,
//       top) counts, labels sorted by flagged count descending, y axis "Count" with ticks.
// A label keeps the same colour in every split (colour follows first-appearance order). Text uses
// Cairo's toy font API with "DejaVu Sans" (fontconfig substitutes a sans face when absent).
// Functions are thread-compatible: concurrent calls on different outputs are safe.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "data/dataset_stats.h"

namespace winnow {

struct ChartSize {
  int width_px = 0;
  int height_px = 0;
};

// Pixel size of the figure for `dist` (PNG pixels; SVG user units). Grows with the split count.
ChartSize distribution_chart_size(const HeadDistribution& dist);

// Every title drawn, figure title first, then the three panel titles of each split in order.
std::vector<std::string> distribution_chart_titles(const HeadDistribution& dist);

// Writes the figure as a PNG (ARGB32 image surface). kIoError naming `path` when Cairo cannot
// write it (missing directory, no permission). Overwrites an existing file.
Status write_distribution_png(const HeadDistribution& dist, const std::string& path);

// Writes the figure as SVG 1.1. Cairo draws text as glyph outlines, so the titles are also
// written as the document's <title> and <desc> to keep the file searchable and accessible.
// kIoError naming `path` on write failure. Overwrites an existing file.
Status write_distribution_svg(const HeadDistribution& dist, const std::string& path);

}  // namespace winnow
