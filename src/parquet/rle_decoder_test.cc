#include "parquet/rle_decoder.h"

#include <gtest/gtest.h>

#include <vector>

namespace winnow::parquet {
namespace {

TEST(RleDecoder, DecodesRleAndBitPackedRunsAcrossBatches) {
  // RLE run: 5 x value 3 (width 2: one value byte); bit-packed: 1 group of 8 values 0..3,0..3.
  const std::vector<uint8_t> bytes = {0x0a, 0x03, 0x03, 0b11100100, 0b11100100};
  RleDecoder d(bytes.data(), bytes.size(), 2);
  std::vector<uint32_t> out(13);
  ASSERT_TRUE(d.get(out.data(), 4));
  ASSERT_TRUE(d.get(out.data() + 4, 9));
  EXPECT_EQ(out, (std::vector<uint32_t>{3, 3, 3, 3, 3, 0, 1, 2, 3, 0, 1, 2, 3}));
  uint32_t more;
  EXPECT_FALSE(d.get(&more, 1));
}

TEST(RleDecoder, WideValuesAndZeroWidth) {
  // width 20: RLE value in 3 bytes; width 0: values are all 0.
  const std::vector<uint8_t> wide = {0x04, 0x45, 0x23, 0x01};
  RleDecoder d(wide.data(), wide.size(), 20);
  uint32_t v[2];
  ASSERT_TRUE(d.get(v, 2));
  EXPECT_EQ(v[0], 0x12345u);
  const std::vector<uint8_t> zero = {0x03};  // bit-packed, 1 group, no bytes
  RleDecoder z(zero.data(), zero.size(), 0);
  uint32_t zs[8];
  ASSERT_TRUE(z.get(zs, 8));
  EXPECT_EQ(zs[7], 0u);
}

TEST(RleDecoder, RejectsValuesWiderThanTheBitWidthAndCutRuns) {
  const std::vector<uint8_t> too_wide = {0x02, 0x05};  // width 1, value 5
  RleDecoder d(too_wide.data(), too_wide.size(), 1);
  uint32_t v;
  EXPECT_FALSE(d.get(&v, 1));
  // A bit-packed run of 2 groups (16 values at width 8) with only 3 bytes: 3 values are there.
  const std::vector<uint8_t> cut = {0x05, 7, 8, 9};
  RleDecoder c(cut.data(), cut.size(), 8);
  uint32_t got[4];
  ASSERT_TRUE(c.get(got, 3));
  EXPECT_EQ(got[2], 9u);
  EXPECT_FALSE(c.get(got, 1));
}

TEST(RleDecoder, BitWidthOf) {
  EXPECT_EQ(bit_width_of(0), 0);
  EXPECT_EQ(bit_width_of(1), 1);
  EXPECT_EQ(bit_width_of(2), 2);
  EXPECT_EQ(bit_width_of(255), 8);
  EXPECT_EQ(bit_width_of(256), 9);
}

}  // namespace
}  // namespace winnow::parquet
