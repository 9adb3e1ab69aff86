#include "report/chart_text.h"

#include <cairo.h>

#include <cstdio>

namespace winnow {

void set_font(cairo_t* cr, double size_px, bool bold) {
  cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                         bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size_px);
}

double text_width(cairo_t* cr, std::string_view text) {
  std::string s(text);  // Cairo wants a NUL-terminated string
  cairo_text_extents_t extents;
  cairo_text_extents(cr, s.c_str(), &extents);
  return extents.x_advance;
}

double font_height(cairo_t* cr) {
  cairo_font_extents_t extents;
  cairo_font_extents(cr, &extents);
  return extents.ascent + extents.descent;
}

void draw_text(cairo_t* cr, double x, double y, std::string_view text, Align align) {
  std::string s(text);
  cairo_font_extents_t font;
  cairo_font_extents(cr, &font);
  double width = text_width(cr, s);
  double left = align == Align::kLeft ? x : align == Align::kCentre ? x - width / 2 : x - width;
  // Centre the ascent+descent box on y rather than the ink, so mixed strings share a baseline.
  cairo_move_to(cr, left, y + (font.ascent - font.descent) / 2);
  cairo_show_text(cr, s.c_str());
  cairo_new_path(cr);
}

std::string ellipsize(cairo_t* cr, std::string_view text, double max_width) {
  if (text_width(cr, text) <= max_width) return std::string(text);
  static constexpr std::string_view kEllipsis = "\xE2\x80\xA6";
  size_t end = text.size();
  while (end > 0) {
    --end;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    std::string candidate = std::string(text.substr(0, end)) + std::string(kEllipsis);
    if (text_width(cr, candidate) <= max_width) return candidate;
  }
  return std::string(kEllipsis);
}

std::string format_percent(double percent) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", percent);
  return buf;
}

}  // namespace winnow
