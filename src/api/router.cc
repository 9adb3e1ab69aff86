#include "api/router.h"

namespace winnow::api {
namespace {

bool is_param(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

void Router::add(RouteSpec spec, RouteHandler handler) {
  auto route = std::make_unique<Route>();
  for (std::string_view s : path_segments(spec.pattern)) route->segments.emplace_back(s);
  route->spec = std::move(spec);
  route->handler = std::move(handler);
  route->index = routes_.size();
  routes_.push_back(std::move(route));
}

RouteMatch Router::match(std::string_view method, std::string_view raw_path) const {
  RouteMatch out;
  const std::vector<std::string_view> raw = path_segments(raw_path);
  std::vector<std::string> decoded;
  decoded.reserve(raw.size());
  for (std::string_view s : raw) {
    std::optional<std::string> d = percent_decode(s, /*plus_as_space=*/false);
    if (!d) return out;  // a malformed escape matches nothing: 404
    decoded.push_back(std::move(*d));
  }
  for (const auto& route : routes_) {
    if (route->segments.size() != decoded.size()) continue;
    std::vector<std::pair<std::string, std::string>> params;
    bool ok = true;
    for (size_t i = 0; i < decoded.size() && ok; ++i) {
      const std::string& seg = route->segments[i];
      if (is_param(seg)) {
        if (decoded[i].empty())
          ok = false;
        else
          params.emplace_back(seg.substr(1, seg.size() - 2), decoded[i]);
      } else {
        ok = seg == decoded[i];
      }
    }
    if (!ok) continue;
    out.path_known = true;
    out.allowed_methods.push_back(route->spec.method);
    if (out.route == nullptr && route->spec.method == method) {
      out.route = route.get();
      out.params = std::move(params);
    }
  }
  return out;
}

}  // namespace winnow::api
