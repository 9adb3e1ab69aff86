// Text helpers for the Cairo charts in src/report: one sans face, alignment around a point,
// ellipsizing to a width, and the number formats the charts print. All functions draw with or
// measure against the font currently set on `cr`.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

// Cairo's context, declared as cairo.h declares it, so this header needs no Cairo headers:
// only the .cc files that draw include cairo.h.
typedef struct _cairo cairo_t;

namespace winnow {

enum class Align { kLeft, kCentre, kRight };

// Selects the charts' face ("DejaVu Sans", regular or bold) at `size_px`.
void set_font(cairo_t* cr, double size_px, bool bold);

// Advance width of `text` in user units.
double text_width(cairo_t* cr, std::string_view text);
// Ascent + descent of the current font.
double font_height(cairo_t* cr);

// Draws `text` with its vertical centre on y; x is its left edge, centre or right edge.
void draw_text(cairo_t* cr, double x, double y, std::string_view text, Align align);

// `text`, or its longest prefix (on a UTF-8 boundary) plus "…" that fits `max_width`.
std::string ellipsize(cairo_t* cr, std::string_view text, double max_width);

// 12.345 -> "12.3%".
std::string format_percent(double percent);

}  // namespace winnow
