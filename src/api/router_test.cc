#include "api/router.h"

#include <gtest/gtest.h>

namespace winnow::api {
namespace {

RouteSpec spec(const char* method, const char* pattern) {
  RouteSpec s;
  s.method = method;
  s.pattern = pattern;
  return s;
}

Router make_router() {
  Router r;
  r.add(spec("GET", "/v1/models/{model_id}"), [](ApiCall&) {});
  r.add(spec("DELETE", "/v1/models/{model_id}"), [](ApiCall&) {});
  r.add(spec("GET", "/v1/models"), [](ApiCall&) {});
  r.add(spec("POST", "/v1/fine_tuning/models/{model_id}/archive"), [](ApiCall&) {});
  return r;
}

TEST(Router, DecodesParametersEncodedOrRaw) {
  Router r = make_router();
  for (const char* path : {"/v1/models/ft%3Aclassifier%3Ax%3A1", "/v1/models/ft:classifier:x:1"}) {
    RouteMatch m = r.match("GET", path);
    ASSERT_NE(m.route, nullptr) << path;
    EXPECT_EQ(m.route->spec.pattern, "/v1/models/{model_id}");
    ASSERT_EQ(m.params.size(), 1u);
    EXPECT_EQ(m.params[0].second, "ft:classifier:x:1");
  }
}

TEST(Router, KnownPathWithWrongMethodIsMethodNotAllowed) {
  Router r = make_router();
  RouteMatch m = r.match("PUT", "/v1/models/x");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_TRUE(m.path_known);
  EXPECT_EQ(m.allowed_methods, (std::vector<std::string>{"GET", "DELETE"}));
}

TEST(Router, UnknownPathsAndEmptyParametersAreNotFound) {
  Router r = make_router();
  EXPECT_FALSE(r.match("GET", "/v1/nothing").path_known);
  EXPECT_FALSE(r.match("GET", "/v1/models/").path_known);     // empty id
  EXPECT_FALSE(r.match("GET", "/v1/models/a/b").path_known);  // extra segment
  EXPECT_FALSE(r.match("GET", "/v1/models/%zz").path_known);  // broken escape
  EXPECT_NE(r.match("POST", "/v1/fine_tuning/models/m/archive").route, nullptr);
}

TEST(Router, NumbersRoutesInOrder) {
  Router r = make_router();
  ASSERT_EQ(r.routes().size(), 4u);
  EXPECT_EQ(r.routes()[2]->index, 2u);
}

}  // namespace
}  // namespace winnow::api
