#include "core/huge_page_allocator.h"

#include <gtest/gtest.h>

#include <vector>

namespace winnow {
namespace {

TEST(HugePageAllocator, LargeAndSmallBuffersHoldTheirContents) {
  std::vector<uint64_t, HugePageAllocator<uint64_t>> v;
  for (uint64_t i = 0; i < 3'000'000; ++i) v.push_back(i * 7);  // regrows across huge mappings
  for (uint64_t i = 0; i < v.size(); i += 9973) ASSERT_EQ(v[i], i * 7);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(v.data()) % kHugePageBytes, 0u);
  BigString s(5, 'x');
  s.append(std::string(3 << 20, 'y'));
  EXPECT_EQ(s.size(), 5u + (3 << 20));
  EXPECT_EQ(s[4], 'x');
  EXPECT_EQ(s.back(), 'y');
}

}  // namespace
}  // namespace winnow
