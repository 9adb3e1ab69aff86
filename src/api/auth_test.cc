#include "api/auth.h"

#include <gtest/gtest.h>

namespace winnow::api {
namespace {

TEST(ApiKeys, ParsesKeysFileWithWorkspacesAndComments) {
  Result<std::vector<ApiKey>> keys = parse_api_keys("# team keys\nk1\n  k2 research  # note\n\n");
  ASSERT_TRUE(keys.is_ok()) << keys.status().to_string();
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ((*keys)[0].key, "k1");
  EXPECT_EQ((*keys)[0].workspace, "default");
  EXPECT_EQ((*keys)[1].key, "k2");
  EXPECT_EQ((*keys)[1].workspace, "research");
  Result<std::vector<ApiKey>> bad = parse_api_keys("k1\nk2 ws extra\n");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("line 2"), std::string::npos);
}

TEST(ApiKeys, ListFromEnvironmentSkipsEmptyEntries) {
  std::vector<ApiKey> keys = api_keys_from_list(" a, ,b,");
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[1].key, "b");
}

TEST(ApiKeyTable, AuthenticatesBearerKeysOnly) {
  ApiKeyTable table({{"k1", "default"}, {"k2", "research"}});
  EXPECT_EQ(table.authenticate("Bearer k1"), "default");
  EXPECT_EQ(table.authenticate("bearer k2"), "research");
  EXPECT_EQ(table.authenticate("Bearer k3"), std::nullopt);
  EXPECT_EQ(table.authenticate("k1"), std::nullopt);
  EXPECT_EQ(table.authenticate(""), std::nullopt);
  EXPECT_EQ(table.authenticate("Bearer "), std::nullopt);
  EXPECT_EQ(table.authenticate("Bearer k"), std::nullopt);  // a prefix of a key
  table.replace({{"k3", "x"}});
  EXPECT_EQ(table.authenticate("Bearer k1"), std::nullopt);
  EXPECT_EQ(table.authenticate("Bearer k3"), "x");
}

TEST(RandomHexId, Is32LowerHexAndVaries) {
  const std::string a = random_hex_id(), b = random_hex_id();
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace winnow::api
