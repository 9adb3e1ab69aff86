#include "hub/http.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

#include "fixtures/hub_fixture.h"
#include "fixtures/hub_test_data.h"
#include "fixtures/test_certificate.h"
#include "hub/client.h"
#include "test_support.h"

namespace winnow {
namespace {

using ::testing::HasSubstr;
using testing::HubFixtureServer;
using testing::TempDir;

TEST(HubUrlEncode, KeepsUnreservedAndEscapesTheRest) {
  EXPECT_EQ(hub_url_encode("google/civil_comments"), "google%2Fcivil_comments");
  EXPECT_EQ(hub_url_encode("a b&c=d~e.f-g"), "a%20b%26c%3Dd~e.f-g");
  EXPECT_EQ(hub_url_encode("café"), "caf%C3%A9");
}

TEST(ParseRetryAfter, ReadsSecondsAndHttpDates) {
  auto now = std::chrono::system_clock::from_time_t(1445412480);  // Wed, 21 Oct 2015 07:28:00 GMT
  EXPECT_EQ(parse_retry_after("7", now), 7.0);
  EXPECT_EQ(parse_retry_after(" 120 ", now), 120.0);
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now), 30.0);
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now), 0.0);  // in the past
  EXPECT_EQ(parse_retry_after("soon", now), std::nullopt);
  EXPECT_EQ(parse_retry_after("-3", now), std::nullopt);
  EXPECT_EQ(parse_retry_after("", now), std::nullopt);
}

// Sets an environment variable for the lifetime of the object.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value, 1);
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(ApplyHubEnvironment, EndpointFromEnvTokenOnlyIfNoneGiven) {
  ScopedEnv endpoint("WINNOW_HUB_ENDPOINT", "http://mirror.local:8080/hf");
  ScopedEnv token("HF_TOKEN", "hf_env");
  HubConnectionOptions o;
  apply_hub_environment(&o);
  EXPECT_EQ(o.endpoint, "http://mirror.local:8080/hf");
  EXPECT_EQ(o.token, "hf_env");
  HubConnectionOptions explicit_token;
  explicit_token.token = "hf_flag";
  apply_hub_environment(&explicit_token);
  EXPECT_EQ(explicit_token.token, "hf_flag");
}

TEST(HubHttpClient, RejectsEndpointsThatAreNotHttpUrls) {
  for (const char* endpoint :
       {"ftp://x", "datasets-server.huggingface.co", "https://", "http://h/?q"}) {
    HubConnectionOptions o;
    o.endpoint = endpoint;
    auto client = HubHttpClient::create(o);
    EXPECT_EQ(client.status().code(), StatusCode::kInvalidArgument) << endpoint;
  }
}

TEST(HubHttpClient, KeepsAPathPrefixOfTheEndpoint) {
  HubConnectionOptions o;
  o.endpoint = "https://mirror.example/hf/datasets-server/";
  auto client = HubHttpClient::create(o);
  ASSERT_TRUE(client.is_ok()) << client.status().to_string();
  EXPECT_EQ(client.value()->url("/rows?x=1"), "https://mirror.example/hf/datasets-server/rows?x=1");
}

// https against a real TLS server with a certificate made for the test.
class HubHttpsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(testing::write_self_signed_certificate(cert_, key_).is_ok());
    ASSERT_TRUE(server_.add_split("default", "train", testing::civil_rows(250)).is_ok());
    ASSERT_TRUE(server_.start("127.0.0.1", 0, cert_, key_).is_ok());
  }
  HubFetchOptions options() {
    auto o = testing::fixture_options(server_, dir_.file("train.jsonl"));
    o.connection.endpoint = "https://localhost:" + std::to_string(server_.port());
    return o;
  }

  TempDir dir_;
  std::string cert_ = dir_.file("cert.pem");
  std::string key_ = dir_.file("key.pem");
  HubFixtureServer server_{testing::kCivilComments};
};

TEST_F(HubHttpsTest, FetchesOverTlsWhenTheCertificateIsTrusted) {
  auto o = options();
  o.connection.ca_cert_path = cert_;
  auto result = fetch_hub_split(o, {});
  ASSERT_TRUE(result.is_ok()) << result.status().to_string();
  EXPECT_EQ(testing::read_lines(o.out_path), testing::civil_rows(250));
}

TEST_F(HubHttpsTest, UntrustedCertificateFailsWithoutRetrying) {
  auto result = fetch_hub_split(options(), {});
  ASSERT_FALSE(result.is_ok());
  EXPECT_EQ(result.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(result.status().message(), HasSubstr("SSLServerVerification"));
  EXPECT_THAT(result.status().message(), HasSubstr("self-signed certificate"));
  EXPECT_EQ(server_.rows_requests(), 0);
}

// Without ca_cert_path the client uses OpenSSL's default trust store, which is how it trusts
// datasets-server.huggingface.co; SSL_CERT_FILE redirects that store to our certificate.
TEST_F(HubHttpsTest, UsesTheSystemTrustStoreByDefault) {
  ScopedEnv trust("SSL_CERT_FILE", cert_.c_str());
  auto result = fetch_hub_split(options(), {});
  ASSERT_TRUE(result.is_ok()) << result.status().to_string();
  EXPECT_EQ(result->rows_written, 250u);
}

}  // namespace
}  // namespace winnow
