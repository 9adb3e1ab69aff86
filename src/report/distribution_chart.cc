#include "report/distribution_chart.h"

#include <cairo-svg.h>
#include <cairo.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <memory>
#include <numbers>

#include "core/number_format.h"
#include "report/chart_text.h"

namespace winnow {
namespace {

// Layout in pixels (SVG user units). Every row has the same geometry so panels line up.
constexpr double kMargin = 24;
constexpr double kFigureTitleHeight = 64;
constexpr double kRowHeight = 500;
constexpr double kCategoryPanelWidth = 780;
constexpr double kFlaggedPanelWidth = 540;
constexpr double kBarPanelWidth = 700;
constexpr double kPanelTitleHeight = 52;  // title and subtitle
constexpr double kPieGap = 28;            // between a pie and its legend

constexpr double kTwoPi = 2 * std::numbers::pi;

struct Rgb {
  double r, g, b;
};

constexpr Rgb rgb(unsigned hex) {
  return {((hex >> 16) & 0xff) / 255.0, ((hex >> 8) & 0xff) / 255.0, (hex & 0xff) / 255.0};
}

constexpr Rgb kInk = rgb(0x222222);
constexpr Rgb kMutedInk = rgb(0x666666);
constexpr Rgb kAxis = rgb(0x444444);
constexpr Rgb kGrid = rgb(0xe6e6e6);
constexpr Rgb kNotFlagged = rgb(0x1f77b4);  // blue
constexpr Rgb kFlagged = rgb(0xd62728);     // red
constexpr Rgb kNoFlags = rgb(0xb4b4b4);     // neutral grey: "nothing to see here"
// Label colours avoid the flagged red / not-flagged blue and the No Flags grey, so the three
// panels never suggest a link that does not exist.
constexpr Rgb kLabelPalette[] = {
    rgb(0xff7f0e), rgb(0x2ca02c), rgb(0x9467bd), rgb(0x8c564b), rgb(0xe377c2),
    rgb(0xbcbd22), rgb(0x17becf), rgb(0xffbb78), rgb(0x98df8a), rgb(0xc5b0d5),
    rgb(0xc49c94), rgb(0xf7b6d2), rgb(0xdbdb8d), rgb(0x9edae5), rgb(0xaec7e8),
    rgb(0x393b79), rgb(0x637939), rgb(0x8c6d31), rgb(0x7b4173), rgb(0x5254a3),
};

Rgb label_colour(size_t label_index) {
  return kLabelPalette[label_index % std::size(kLabelPalette)];
}

void set_colour(cairo_t* cr, Rgb c) { cairo_set_source_rgb(cr, c.r, c.g, c.b); }

// Black text on light fills, white on dark ones (relative luminance threshold).
Rgb text_colour_on(Rgb fill) {
  double luminance = 0.2126 * fill.r + 0.7152 * fill.g + 0.0722 * fill.b;
  return luminance > 0.55 ? kInk : rgb(0xffffff);
}

struct Rect {
  double x, y, w, h;
};

struct Slice {
  std::string name;
  uint64_t count;
  Rgb colour;
};

struct LegendColumnWidths {
  double name, count, share;
};

// Draws the slices clockwise from 12 o'clock, with a white edge between them and the share
// printed inside every slice wide enough to hold it.
void draw_pie(cairo_t* cr, double cx, double cy, double radius, const std::vector<Slice>& slices) {
  uint64_t total = 0;
  size_t non_empty = 0;
  for (const Slice& s : slices) {
    total += s.count;
    non_empty += s.count > 0 ? 1 : 0;
  }
  if (total == 0) {
    set_colour(cr, kGrid);
    cairo_arc(cr, cx, cy, radius, 0, kTwoPi);
    cairo_fill(cr);
    set_font(cr, 15, false);
    set_colour(cr, kMutedInk);
    draw_text(cr, cx, cy, "no samples", Align::kCentre);
    return;
  }
  double angle = -std::numbers::pi / 2;
  struct Placed {
    double start, end;
    const Slice* slice;
  };
  std::vector<Placed> placed;
  for (const Slice& s : slices) {
    if (s.count == 0) continue;
    double sweep = kTwoPi * static_cast<double>(s.count) / static_cast<double>(total);
    placed.push_back({angle, angle + sweep, &s});
    angle += sweep;
  }
  for (const Placed& p : placed) {
    set_colour(cr, p.slice->colour);
    if (non_empty == 1) {  // a full disc: no radial edge to draw
      cairo_arc(cr, cx, cy, radius, 0, kTwoPi);
      cairo_fill(cr);
      continue;
    }
    cairo_move_to(cr, cx, cy);
    cairo_arc(cr, cx, cy, radius, p.start, p.end);
    cairo_close_path(cr);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    // Thin edges when slices are many, or the edges alone would whiten the centre.
    cairo_set_line_width(cr, non_empty > 24 ? 0.5 : 1.5);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_stroke(cr);
  }
  set_font(cr, 14, true);
  const double text_height = font_height(cr);
  for (const Placed& p : placed) {
    double share = 100.0 * static_cast<double>(p.slice->count) / static_cast<double>(total);
    std::string text = format_percent(share);
    double sweep = p.end - p.start;
    double label_radius = non_empty == 1 ? 0 : radius * 0.66;
    // The text box fits the wedge when the chord at the label radius is wider than the box's
    // diagonal; otherwise the legend alone carries the number.
    double chord =
        sweep >= std::numbers::pi ? 2 * label_radius : 2 * label_radius * std::sin(sweep / 2);
    double w = text_width(cr, text);
    if (non_empty > 1 && chord < std::hypot(w, text_height) + 6) continue;
    double mid = (p.start + p.end) / 2;
    set_colour(cr, text_colour_on(p.slice->colour));
    draw_text(cr, cx + label_radius * std::cos(mid), cy + label_radius * std::sin(mid), text,
              Align::kCentre);
  }
}

// Three columns: swatch + name, count, share, with a header row. Rows with a zero count are
// folded into one muted "+N labels with count 0" line. The font shrinks (down to kMinFont) until
// the rows fit `area`'s height, names are ellipsized to fit its width, and rows that still do not
// fit become
// "+N more". The block is centred vertically in `area`.
void draw_legend(cairo_t* cr, Rect area, const std::vector<Slice>& slices) {
  uint64_t total = 0;
  for (const Slice& s : slices) total += s.count;
  auto share_text = [&](const Slice& s) {
    return total == 0
               ? std::string("-")
               : format_percent(100.0 * static_cast<double>(s.count) / static_cast<double>(total));
  };
  std::vector<const Slice*> rows;
  size_t zero_rows = 0;
  for (const Slice& s : slices) {
    // Fixed slices (the two of the flagged pie) are always listed; labels only when present.
    if (s.count > 0 || slices.size() <= 2) {
      rows.push_back(&s);
    } else {
      ++zero_rows;
    }
  }
  std::vector<std::string> notes;
  if (zero_rows > 0) notes.push_back("+" + std::to_string(zero_rows) + " labels with count 0");

  constexpr double kSwatchGap = 8, kColumnGap = 14, kMinFont = 11, kMaxFont = 15;
  constexpr double kRowFactor = 1.55;  // row height / font size
  const double lines = static_cast<double>(rows.size() + notes.size() + 1);
  double font = std::clamp(area.h / (lines * kRowFactor), kMinFont, kMaxFont);
  const double row_height = font * kRowFactor;
  const double swatch = font * 0.9;
  size_t max_lines = static_cast<size_t>(std::max(2.0, std::floor(area.h / row_height)));
  if (rows.size() + notes.size() + 1 > max_lines) {
    size_t reserved = 2 + notes.size();  // header, notes and the "+N more" line
    size_t shown = max_lines > reserved ? max_lines - reserved : 0;
    notes.insert(notes.begin(), "+" + std::to_string(rows.size() - shown) + " more");
    rows.resize(shown);
  }

  set_font(cr, font, false);
  LegendColumnWidths widths{0, text_width(cr, "count"), text_width(cr, "share")};
  for (const Slice* s : rows) {
    widths.name = std::max(widths.name, text_width(cr, s->name));
    widths.count = std::max(widths.count, text_width(cr, format_count(s->count)));
    widths.share = std::max(widths.share, text_width(cr, share_text(*s)));
  }
  double fixed = swatch + kSwatchGap + kColumnGap + widths.count + kColumnGap + widths.share;
  widths.name = std::min(widths.name, std::max(area.w - fixed, font * 3));

  double block_height = row_height * static_cast<double>(rows.size() + notes.size() + 1);
  double x = area.x;
  double y = area.y + std::max(0.0, (area.h - block_height) / 2);
  double name_x = x + swatch + kSwatchGap;
  double count_right = name_x + widths.name + kColumnGap + widths.count;
  double share_right = count_right + kColumnGap + widths.share;
  auto row_mid = [&](size_t i) { return y + row_height * static_cast<double>(i) + row_height / 2; };

  set_font(cr, font * 0.85, false);
  set_colour(cr, kMutedInk);
  draw_text(cr, count_right, row_mid(0), "count", Align::kRight);
  draw_text(cr, share_right, row_mid(0), "share", Align::kRight);
  set_font(cr, font, false);
  for (size_t i = 0; i < rows.size(); ++i) {
    const Slice& s = *rows[i];
    double mid = row_mid(i + 1);
    set_colour(cr, s.colour);
    cairo_rectangle(cr, x, mid - swatch / 2, swatch, swatch);
    cairo_fill(cr);
    set_colour(cr, kInk);
    draw_text(cr, name_x, mid, ellipsize(cr, s.name, widths.name), Align::kLeft);
    draw_text(cr, count_right, mid, format_count(s.count), Align::kRight);
    draw_text(cr, share_right, mid, share_text(s), Align::kRight);
  }
  set_colour(cr, kMutedInk);
  for (size_t i = 0; i < notes.size(); ++i) {
    draw_text(cr, name_x, row_mid(rows.size() + 1 + i),
              ellipsize(cr, notes[i], share_right - name_x), Align::kLeft);
  }
}

void draw_panel_title(cairo_t* cr, Rect panel, const std::string& title,
                      const std::string& subtitle) {
  set_font(cr, 19, true);
  set_colour(cr, kInk);
  draw_text(cr, panel.x + panel.w / 2, panel.y + 16, ellipsize(cr, title, panel.w), Align::kCentre);
  if (!subtitle.empty()) {
    set_font(cr, 13, false);
    set_colour(cr, kMutedInk);
    draw_text(cr, panel.x + panel.w / 2, panel.y + 38, ellipsize(cr, subtitle, panel.w),
              Align::kCentre);
  }
}

std::string category_title(const SplitDistribution& split) {
  return split.split + " Samples (Category Distribution)";
}
std::string flagged_title(const SplitDistribution& split) {
  return split.split + " Samples (Flagged vs None-Flagged)";
}
std::string bar_title(const SplitDistribution& split) {
  return split.split + " Samples (Stacked Bar)";
}
std::string figure_title(const HeadDistribution& dist) {
  return "Label distribution of head \"" + dist.head + "\" (No Flags = only \"" + dist.safe_label +
         "\" or no value)";
}

void draw_category_panel(cairo_t* cr, Rect panel, const SplitDistribution& split) {
  draw_panel_title(cr, panel, category_title(split),
                   "No Flags samples + label occurrences; a sample may carry several labels");
  std::vector<Slice> slices;
  slices.push_back({"No Flags", split.no_flags, kNoFlags});
  for (size_t i = 0; i < split.labels.size(); ++i) {
    slices.push_back({split.labels[i].label, split.labels[i].flagged, label_colour(i)});
  }
  std::stable_sort(slices.begin(), slices.end(),
                   [](const Slice& a, const Slice& b) { return a.count > b.count; });
  Rect body{panel.x, panel.y + kPanelTitleHeight, panel.w, panel.h - kPanelTitleHeight};
  double radius = std::min(body.h - 24, body.w * 0.5) / 2;
  double cx = body.x + 12 + radius;
  double cy = body.y + body.h / 2;
  draw_pie(cr, cx, cy, radius, slices);
  double legend_x = cx + radius + kPieGap;
  draw_legend(cr, {legend_x, body.y + 8, body.x + body.w - legend_x - 8, body.h - 16}, slices);
}

void draw_flagged_panel(cairo_t* cr, Rect panel, const SplitDistribution& split,
                        const std::string& safe_label) {
  draw_panel_title(cr, panel, flagged_title(split),
                   "Flagged: at least one label other than \"" + safe_label + "\"");
  std::vector<Slice> slices = {{"None-Flagged", split.no_flags, kNotFlagged},
                               {"Flagged", split.flagged, kFlagged}};
  Rect body{panel.x, panel.y + kPanelTitleHeight, panel.w, panel.h - kPanelTitleHeight};
  constexpr double kLegendHeight = 80;
  double radius = std::min(body.h - kLegendHeight - 40, body.w - 40) / 2;
  double cx = body.x + body.w / 2;
  double cy = body.y + 8 + radius;
  draw_pie(cr, cx, cy, radius, slices);
  double legend_width = std::min(body.w - 40, 300.0);
  draw_legend(cr, {cx - legend_width / 2, cy + radius + 10, legend_width, kLegendHeight}, slices);
}

// A "nice" tick step (1, 2, 2.5 or 5 times a power of ten) giving about `target` intervals.
double nice_step(double max_value, int target) {
  double raw = max_value / target;
  double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (m * magnitude >= raw) return std::max(1.0, m * magnitude);
  }
  return std::max(1.0, 10 * magnitude);
}

void draw_bar_panel(cairo_t* cr, Rect panel, const SplitDistribution& split) {
  draw_panel_title(cr, panel, bar_title(split), "per label: flagged on top of not flagged");
  std::vector<const LabelCount*> bars;
  for (const LabelCount& l : split.labels) bars.push_back(&l);
  std::stable_sort(bars.begin(), bars.end(), [](const LabelCount* a, const LabelCount* b) {
    return a->flagged > b->flagged;
  });

  // Legend row under the titles.
  double legend_y = panel.y + kPanelTitleHeight + 12;
  set_font(cr, 14, false);
  {
    double item_w =
        14 + 6 + text_width(cr, "None-Flagged") + 24 + 14 + 6 + text_width(cr, "Flagged");
    double x = panel.x + panel.w / 2 - item_w / 2;
    for (auto [name, colour] : {std::pair{"None-Flagged", kNotFlagged}, {"Flagged", kFlagged}}) {
      set_colour(cr, colour);
      cairo_rectangle(cr, x, legend_y - 7, 14, 14);
      cairo_fill(cr);
      set_colour(cr, kInk);
      draw_text(cr, x + 20, legend_y, name, Align::kLeft);
      x += 20 + text_width(cr, name) + 24;
    }
  }

  constexpr double kAxisLeft = 86, kRight = 16;
  Rect plot{panel.x + kAxisLeft, legend_y + 30, panel.w - kAxisLeft - kRight, 0};
  const size_t n = bars.size();
  const double spacing = n == 0 ? plot.w : plot.w / static_cast<double>(n);
  // X labels: rotated 45 degrees, ending at their bar; font shrinks when bars are dense.
  double label_font = std::clamp(spacing * 0.55, 9.0, 14.0);
  set_font(cr, label_font, false);
  const double max_label_width = 150;
  double longest = 0;
  for (const LabelCount* b : bars) {
    longest = std::max(longest, std::min(max_label_width, text_width(cr, b->label)));
  }
  double label_drop = (longest + 6) * std::numbers::sqrt2 / 2 + font_height(cr);
  // Neighbouring 45-degree labels sit spacing/sqrt(2) apart; when that is less than a line of
  // text, label every k-th bar only (the table lists them all).
  const size_t label_every = static_cast<size_t>(
      std::max(1.0, std::ceil(font_height(cr) * std::numbers::sqrt2 / spacing)));
  plot.h = panel.y + panel.h - plot.y - label_drop - 12;

  const double y_max_value = static_cast<double>(std::max<uint64_t>(split.samples, 1));
  double step = nice_step(y_max_value, 5);
  double axis_max = std::ceil(y_max_value / step) * step;
  auto y_of = [&](double v) { return plot.y + plot.h - plot.h * v / axis_max; };

  // Grid and y ticks.
  set_font(cr, 13, false);
  cairo_set_line_width(cr, 1);
  for (double v = 0; v <= axis_max + step / 2; v += step) {
    double y = std::round(y_of(v)) + 0.5;
    set_colour(cr, kGrid);
    cairo_move_to(cr, plot.x, y);
    cairo_line_to(cr, plot.x + plot.w, y);
    cairo_stroke(cr);
    set_colour(cr, kAxis);
    cairo_move_to(cr, plot.x - 5, y);
    cairo_line_to(cr, plot.x, y);
    cairo_stroke(cr);
    set_colour(cr, kInk);
    draw_text(cr, plot.x - 8, y, format_count(static_cast<uint64_t>(v)), Align::kRight);
  }
  // "Count", rotated, left of the tick labels.
  set_font(cr, 14, true);
  cairo_save(cr);
  cairo_translate(cr, panel.x + 14, plot.y + plot.h / 2);
  cairo_rotate(cr, -std::numbers::pi / 2);
  draw_text(cr, 0, 0, "Count", Align::kCentre);
  cairo_restore(cr);

  if (label_every > 1) {
    set_font(cr, 12, false);
    set_colour(cr, kMutedInk);
    draw_text(cr, plot.x + plot.w, plot.y - 12,
              "every " + std::to_string(label_every) + "th label named", Align::kRight);
  }
  if (n == 0) {
    set_font(cr, 15, false);
    set_colour(cr, kMutedInk);
    draw_text(cr, plot.x + plot.w / 2, plot.y + plot.h / 2, "no labels besides the safe label",
              Align::kCentre);
  }
  const double bar_width = std::min(spacing * 0.7, 90.0);
  for (size_t i = 0; i < n; ++i) {
    const LabelCount& b = *bars[i];
    double cx = plot.x + spacing * (static_cast<double>(i) + 0.5);
    double x = cx - bar_width / 2;
    double base = y_of(0), mid = y_of(static_cast<double>(b.not_flagged)),
           top = y_of(static_cast<double>(b.not_flagged + b.flagged));
    set_colour(cr, kNotFlagged);
    cairo_rectangle(cr, x, mid, bar_width, base - mid);
    cairo_fill(cr);
    set_colour(cr, kFlagged);
    cairo_rectangle(cr, x, top, bar_width, mid - top);
    cairo_fill(cr);
    // Flagged count above the bar when it fits the bar's slot.
    set_font(cr, 12, true);
    std::string flagged = format_count(b.flagged);
    if (text_width(cr, flagged) < spacing - 2) {
      set_colour(cr, kFlagged);
      draw_text(cr, cx, top - 9, flagged, Align::kCentre);
    }
    if (i % label_every != 0) continue;
    // Tick and rotated label.
    set_colour(cr, kAxis);
    cairo_move_to(cr, std::round(cx) + 0.5, base);
    cairo_line_to(cr, std::round(cx) + 0.5, base + 5);
    cairo_stroke(cr);
    set_font(cr, label_font, false);
    set_colour(cr, kInk);
    cairo_save(cr);
    cairo_translate(cr, cx, base + 8);
    cairo_rotate(cr, -std::numbers::pi / 4);
    // At 45 degrees a label reaches width/sqrt(2) to the left; keep it inside the panel.
    double room = (cx - panel.x - 30) * std::numbers::sqrt2;
    draw_text(cr, 0, 0, ellipsize(cr, b.label, std::min(max_label_width, room)), Align::kRight);
    cairo_restore(cr);
  }
  // Axes on top of the bars.
  set_colour(cr, kAxis);
  cairo_set_line_width(cr, 1.2);
  cairo_move_to(cr, plot.x, plot.y);
  cairo_line_to(cr, plot.x, y_of(0));
  cairo_line_to(cr, plot.x + plot.w, y_of(0));
  cairo_stroke(cr);
}

void draw_figure(cairo_t* cr, const HeadDistribution& dist, ChartSize size) {
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  set_font(cr, 24, true);
  set_colour(cr, kInk);
  draw_text(cr, size.width_px / 2.0, kMargin + 16,
            ellipsize(cr, figure_title(dist), size.width_px - 2 * kMargin), Align::kCentre);
  for (size_t i = 0; i < dist.splits.size(); ++i) {
    const SplitDistribution& split = dist.splits[i];
    double y = kMargin + kFigureTitleHeight + kRowHeight * static_cast<double>(i);
    double x = kMargin;
    if (i > 0) {  // a hairline between rows
      set_colour(cr, kGrid);
      cairo_set_line_width(cr, 1);
      cairo_move_to(cr, kMargin, std::round(y) - 0.5);
      cairo_line_to(cr, size.width_px - kMargin, std::round(y) - 0.5);
      cairo_stroke(cr);
    }
    draw_category_panel(cr, {x, y, kCategoryPanelWidth, kRowHeight}, split);
    x += kCategoryPanelWidth;
    draw_flagged_panel(cr, {x, y, kFlaggedPanelWidth, kRowHeight}, split, dist.safe_label);
    x += kFlaggedPanelWidth;
    draw_bar_panel(cr, {x, y, kBarPanelWidth, kRowHeight}, split);
  }
}

Status cairo_error(const std::string& path, cairo_status_t status) {
  return Status::io_error(path + ": cannot write chart: " + cairo_status_to_string(status));
}

std::string xml_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

cairo_status_t append_to_string(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

using SurfacePtr = std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)>;
using ContextPtr = std::unique_ptr<cairo_t, decltype(&cairo_destroy)>;

}  // namespace

ChartSize distribution_chart_size(const HeadDistribution& dist) {
  size_t rows = std::max<size_t>(dist.splits.size(), 1);
  double width = 2 * kMargin + kCategoryPanelWidth + kFlaggedPanelWidth + kBarPanelWidth;
  double height = 2 * kMargin + kFigureTitleHeight + kRowHeight * static_cast<double>(rows);
  return {static_cast<int>(width), static_cast<int>(height)};
}

std::vector<std::string> distribution_chart_titles(const HeadDistribution& dist) {
  std::vector<std::string> titles = {figure_title(dist)};
  for (const SplitDistribution& split : dist.splits) {
    titles.push_back(category_title(split));
    titles.push_back(flagged_title(split));
    titles.push_back(bar_title(split));
  }
  return titles;
}

Status write_distribution_png(const HeadDistribution& dist, const std::string& path) {
  ChartSize size = distribution_chart_size(dist);
  SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, size.width_px, size.height_px),
                     cairo_surface_destroy);
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    return cairo_error(path, cairo_surface_status(surface.get()));
  }
  {
    ContextPtr cr(cairo_create(surface.get()), cairo_destroy);
    draw_figure(cr.get(), dist, size);
    if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS) {
      return Status::internal("drawing the chart failed: " +
                              std::string(cairo_status_to_string(cairo_status(cr.get()))));
    }
  }
  cairo_status_t status = cairo_surface_write_to_png(surface.get(), path.c_str());
  if (status != CAIRO_STATUS_SUCCESS) return cairo_error(path, status);
  return Status::ok();
}

Status write_distribution_svg(const HeadDistribution& dist, const std::string& path) {
  ChartSize size = distribution_chart_size(dist);
  std::string svg;
  {
    SurfacePtr surface(
        cairo_svg_surface_create_for_stream(append_to_string, &svg, size.width_px, size.height_px),
        cairo_surface_destroy);
    cairo_svg_surface_restrict_to_version(surface.get(), CAIRO_SVG_VERSION_1_1);
    {
      ContextPtr cr(cairo_create(surface.get()), cairo_destroy);
      draw_figure(cr.get(), dist, size);
    }
    cairo_surface_finish(surface.get());
    if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
      return cairo_error(path, cairo_surface_status(surface.get()));
    }
  }
  // <title>/<desc> must be the first children of the root <svg> element.
  size_t root = svg.find("<svg");
  size_t root_end = root == std::string::npos ? root : svg.find('>', root);
  if (root_end == std::string::npos) return Status::internal("Cairo wrote SVG without a root");
  // Cairo 1.16 sizes the root in points ("2068pt"), which browsers show a third larger than the
  // PNG; unitless user units make both the same size.
  for (std::string attr : {" width=\"", " height=\""}) {
    size_t value = svg.find(attr, root);
    if (value == std::string::npos || value > root_end) continue;
    size_t close = svg.find('"', value + attr.size());
    if (close != std::string::npos && close >= 2 && svg.compare(close - 2, 2, "pt") == 0) {
      svg.erase(close - 2, 2);
      root_end -= 2;
    }
  }
  std::vector<std::string> titles = distribution_chart_titles(dist);
  std::string meta = "\n<title>" + xml_escape(titles[0]) + "</title>\n<desc>";
  for (size_t i = 1; i < titles.size(); ++i)
    meta += xml_escape(titles[i]) + (i + 1 < titles.size() ? "; " : "");
  meta += "</desc>";
  svg.insert(root_end + 1, meta);

  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(svg.data(), static_cast<std::streamsize>(svg.size()));
  out.close();
  if (!out) return Status::io_error(path + ": cannot write chart: " + std::strerror(errno));
  return Status::ok();
}

}  // namespace winnow
