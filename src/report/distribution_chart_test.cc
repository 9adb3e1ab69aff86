#include "report/distribution_chart.h"

#include <cairo.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <set>

#include "test_support.h"

namespace winnow {
namespace {

using testing::TempDir;

HeadDistribution two_splits() {
  HeadDistribution dist;
  dist.head = "moderation";
  dist.safe_label = "safe";
  dist.splits = {
      {"Train",
       "training_file.jsonl",
       100,
       30,
       70,
       {{"toxicity", 60, 40}, {"insult", 45, 55}, {"obscene", 3, 97}}},
      {"Test",
       "test_file.jsonl",
       20,
       8,
       12,
       {{"toxicity", 10, 10}, {"insult", 9, 11}, {"obscene", 0, 20}}},
  };
  return dist;
}

struct PngPixels {
  int width = 0;
  int height = 0;
  std::set<uint32_t> colours;
  size_t red = 0;   // pixels of the flagged red (#d62728)
  size_t blue = 0;  // pixels of the not-flagged blue (#1f77b4)
};

PngPixels decode_png(const std::string& path) {
  PngPixels out;
  cairo_surface_t* surface = cairo_image_surface_create_from_png(path.c_str());
  if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(surface);
    ADD_FAILURE() << "cannot decode " << path;
    return out;
  }
  out.width = cairo_image_surface_get_width(surface);
  out.height = cairo_image_surface_get_height(surface);
  const unsigned char* data = cairo_image_surface_get_data(surface);
  int stride = cairo_image_surface_get_stride(surface);
  for (int y = 0; y < out.height; ++y) {
    const auto* row = reinterpret_cast<const uint32_t*>(data + y * stride);
    for (int x = 0; x < out.width; ++x) {
      uint32_t rgb = row[x] & 0xffffff;
      out.colours.insert(rgb);
      out.red += rgb == 0xd62728 ? 1 : 0;
      out.blue += rgb == 0x1f77b4 ? 1 : 0;
    }
  }
  cairo_surface_destroy(surface);
  return out;
}

TEST(DistributionChart, PngHasTheAdvertisedSizeAndDrawsBothPieAndBarColours) {
  TempDir dir;
  HeadDistribution dist = two_splits();
  std::string path = dir.file("chart.png");
  Status written = write_distribution_png(dist, path);
  ASSERT_TRUE(written.is_ok()) << written.to_string();

  std::string bytes = testing::read_file(path);
  ASSERT_GT(bytes.size(), 24u);
  EXPECT_EQ(bytes.substr(0, 8), "\x89PNG\r\n\x1a\n");
  PngPixels png = decode_png(path);
  ChartSize size = distribution_chart_size(dist);
  EXPECT_EQ(png.width, size.width_px);
  EXPECT_EQ(png.height, size.height_px);
  // Anti-aliased text and several fills give many colours; a blank or failed drawing gives one.
  EXPECT_GT(png.colours.size(), 50u);
  // Two flagged pies and the flagged bar segments are red; the rest blue: both cover real area.
  EXPECT_GT(png.red, 20000u);
  EXPECT_GT(png.blue, 20000u);
}

TEST(DistributionChart, HeightGrowsWithTheNumberOfSplits) {
  HeadDistribution one = two_splits();
  one.splits.pop_back();
  HeadDistribution two = two_splits();
  EXPECT_EQ(distribution_chart_size(one).width_px, distribution_chart_size(two).width_px);
  EXPECT_GT(distribution_chart_size(two).height_px, distribution_chart_size(one).height_px);
}

TEST(DistributionChart, TitlesFollowTheTutorial) {
  std::vector<std::string> titles = distribution_chart_titles(two_splits());
  ASSERT_EQ(titles.size(), 7u);
  EXPECT_NE(titles[0].find("moderation"), std::string::npos);
  EXPECT_EQ(titles[1], "Train Samples (Category Distribution)");
  EXPECT_EQ(titles[2], "Train Samples (Flagged vs None-Flagged)");
  EXPECT_EQ(titles[3], "Train Samples (Stacked Bar)");
  EXPECT_EQ(titles[4], "Test Samples (Category Distribution)");
}

TEST(DistributionChart, SvgIsOneDocumentCarryingEveryTitleEscaped) {
  TempDir dir;
  HeadDistribution dist = two_splits();
  dist.splits[1].split = "Held<out>&";
  std::string path = dir.file("chart.svg");
  Status written = write_distribution_svg(dist, path);
  ASSERT_TRUE(written.is_ok()) << written.to_string();

  std::string svg = testing::read_file(path);
  EXPECT_EQ(svg.rfind("<?xml", 0), 0u);
  size_t root = svg.find("<svg");
  ASSERT_NE(root, std::string::npos);
  EXPECT_EQ(svg.find("<svg", root + 1), std::string::npos);
  ChartSize size = distribution_chart_size(dist);
  EXPECT_NE(svg.find("width=\"" + std::to_string(size.width_px) + "\""), std::string::npos);
  EXPECT_NE(svg.find("height=\"" + std::to_string(size.height_px) + "\""), std::string::npos);
  while (!svg.empty() && std::isspace(static_cast<unsigned char>(svg.back()))) svg.pop_back();
  EXPECT_TRUE(svg.ends_with("</svg>"));
  size_t first_child = svg.find_first_not_of(" \r\n\t", svg.find('>', root) + 1);
  EXPECT_EQ(svg.compare(first_child, 7, "<title>"), 0);
  EXPECT_NE(svg.find("Train Samples (Category Distribution)"), std::string::npos);
  EXPECT_NE(svg.find("Train Samples (Flagged vs None-Flagged)"), std::string::npos);
  EXPECT_NE(svg.find("Train Samples (Stacked Bar)"), std::string::npos);
  EXPECT_NE(svg.find("Held&lt;out&gt;&amp; Samples (Stacked Bar)"), std::string::npos);
  EXPECT_EQ(svg.find("Held<out>"), std::string::npos);
  // Drawn content, not only metadata.
  EXPECT_NE(svg.find("<path"), std::string::npos);
}

TEST(DistributionChart, UnwritablePathIsAnIoErrorNamingIt) {
  TempDir dir;
  std::string png = dir.file("no/such/dir/chart.png");
  Status status = write_distribution_png(two_splits(), png);
  EXPECT_EQ(status.code(), StatusCode::kIoError);
  EXPECT_NE(status.message().find(png), std::string::npos);

  std::string svg = dir.file("no/such/dir/chart.svg");
  status = write_distribution_svg(two_splits(), svg);
  EXPECT_EQ(status.code(), StatusCode::kIoError);
  EXPECT_NE(status.message().find(svg), std::string::npos);
}

TEST(DistributionChart, DrawsDegenerateInputsWithoutFailing) {
  TempDir dir;
  HeadDistribution dist;
  dist.head = "h";
  dist.safe_label = "safe";
  // No samples at all, and a split where every sample is safe and no label exists.
  dist.splits = {{"Empty", "e", 0, 0, 0, {}}, {"Safe", "s", 5, 5, 0, {}}};
  EXPECT_TRUE(write_distribution_png(dist, dir.file("d.png")).is_ok());
  EXPECT_TRUE(write_distribution_svg(dist, dir.file("d.svg")).is_ok());
  EXPECT_EQ(decode_png(dir.file("d.png")).height, distribution_chart_size(dist).height_px);
}

TEST(DistributionChart, ManyLongLabelsStillRender) {
  TempDir dir;
  HeadDistribution dist = two_splits();
  for (auto& split : dist.splits) {
    split.labels.clear();
    for (int i = 0; i < 40; ++i) {
      uint64_t flagged = static_cast<uint64_t>(i % 10);
      split.labels.push_back(
          {"label_with_a_rather_long_name_" + std::to_string(i), flagged, split.samples - flagged});
    }
  }
  ASSERT_TRUE(write_distribution_png(dist, dir.file("many.png")).is_ok());
  EXPECT_GT(decode_png(dir.file("many.png")).red, 0u);
}

}  // namespace
}  // namespace winnow
