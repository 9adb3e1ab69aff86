#include "parquet/thrift_compact.h"

#include <gtest/gtest.h>

#include <vector>

namespace winnow::parquet {
namespace {

CompactReader reader_of(const std::vector<uint8_t>& bytes) {
  return CompactReader(bytes.data(), bytes.size());
}

TEST(ThriftCompact, ReadsFieldsWithDeltaAndLongIds) {
  // struct { 1: i32 = -3 (zigzag 5), 3: binary "ab", 300 (long form): i64 = 150, true bool 301 }
  const std::vector<uint8_t> bytes = {0x15, 0x05, 0x28, 0x02, 'a',  'b', 0x06,
                                      0xd8, 0x04, 0xac, 0x02, 0x11, 0x00};
  CompactReader r = reader_of(bytes);
  int16_t id;
  ThriftType t;
  r.begin_struct();
  ASSERT_TRUE(r.next_field(&id, &t));
  EXPECT_EQ(id, 1);
  EXPECT_EQ(t, ThriftType::kI32);
  EXPECT_EQ(r.i32(), -3);
  ASSERT_TRUE(r.next_field(&id, &t));
  EXPECT_EQ(id, 3);
  EXPECT_EQ(r.binary(), "ab");
  ASSERT_TRUE(r.next_field(&id, &t));
  EXPECT_EQ(id, 300);
  EXPECT_EQ(t, ThriftType::kI64);
  EXPECT_EQ(r.i64(), 150);
  ASSERT_TRUE(r.next_field(&id, &t));
  EXPECT_EQ(id, 301);
  EXPECT_TRUE(CompactReader::bool_value(t));
  EXPECT_FALSE(r.next_field(&id, &t));
  r.end_struct();
  EXPECT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r.position(), bytes.size());
}

TEST(ThriftCompact, SkipsNestedValues) {
  // struct { 1: list<struct{1: i32}> of 2, 2: map<binary, i32>{"k": 1}, 3: double } then i32
  // field 4.
  const std::vector<uint8_t> bytes = {
      0x19, 0x2c, 0x15, 0x02, 0x00, 0x15, 0x04, 0x00,        // list of 2 structs
      0x1b, 0x01, 0x85, 0x01, 'k',  0x02,                    // map
      0x17, 0,    0,    0,    0,    0,    0,    0xf0, 0x3f,  // double 1.0
      0x15, 0x54, 0x00};                                     // 4: i32 42
  CompactReader r = reader_of(bytes);
  int16_t id;
  ThriftType t;
  r.begin_struct();
  int last = 0;
  int32_t value = 0;
  while (r.next_field(&id, &t)) {
    last = id;
    if (id == 4) {
      value = r.i32();
    } else {
      r.skip(t);
    }
  }
  r.end_struct();
  EXPECT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(last, 4);
  EXPECT_EQ(value, 42);
}

TEST(ThriftCompact, ReportsTruncationAndStaysStopped) {
  const std::vector<uint8_t> bytes = {0x18, 0x10, 'a'};  // binary of 16 bytes, 1 present
  CompactReader r = reader_of(bytes);
  int16_t id;
  ThriftType t;
  r.begin_struct();
  ASSERT_TRUE(r.next_field(&id, &t));
  EXPECT_TRUE(r.binary().empty());
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(r.truncated());
  EXPECT_NE(r.error().find("runs past the end"), std::string::npos);
  EXPECT_FALSE(r.next_field(&id, &t));
  EXPECT_EQ(r.i32(), 0);
}

TEST(ThriftCompact, RejectsOverlongVarintsHugeListsAndDeepNesting) {
  {
    const std::vector<uint8_t> bytes(11, 0x80);
    CompactReader r = reader_of(bytes);
    r.i64();
    EXPECT_FALSE(r.ok());
  }
  {
    const std::vector<uint8_t> bytes = {0xf5, 0xff, 0xff, 0xff, 0xff, 0x0f};  // list of 2^32-1 i32
    CompactReader r = reader_of(bytes);
    ThriftType et;
    uint32_t n;
    r.list_header(&et, &n);
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(n, 0u);
  }
  {
    std::vector<uint8_t> bytes(200, 0x1c);  // field 1: struct, nested again and again
    CompactReader r = reader_of(bytes);
    r.skip(ThriftType::kStruct);
    EXPECT_FALSE(r.ok());
    EXPECT_NE(r.error().find("deeper"), std::string::npos) << r.error();
  }
}

}  // namespace
}  // namespace winnow::parquet
