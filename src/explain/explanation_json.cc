#include "explain/explanation_json.h"

#include <algorithm>
#include <string>

namespace winnow {

nlohmann::json explanation_json(const ModelSpec& spec, std::string_view text,
                                const Explanation& explanation, size_t top_k) {
  nlohmann::json labels = nlohmann::json::array();
  for (const LabelExplanation& l : explanation.labels) {
    std::vector<const SpanContribution*> up, down;
    for (const SpanContribution& s : l.spans) (s.contribution > 0 ? up : down).push_back(&s);
    std::sort(up.begin(), up.end(),
              [](auto* a, auto* b) { return a->contribution > b->contribution; });
    std::sort(down.begin(), down.end(),
              [](auto* a, auto* b) { return a->contribution < b->contribution; });
    auto list = [&](const std::vector<const SpanContribution*>& spans) {
      nlohmann::json out = nlohmann::json::array();
      for (size_t i = 0; i < spans.size() && i < top_k; ++i) {
        const SpanContribution& s = *spans[i];
        out.push_back({{"start", s.begin},
                       {"end", s.end},
                       {"text", std::string(text.substr(s.begin, s.end - s.begin))},
                       {"contribution", s.contribution}});
      }
      return out;
    };
    nlohmann::json j = {{"head", spec.heads[l.head].name},
                        {"label", spec.heads[l.head].labels[l.label]},
                        {"score", l.score},
                        {"flagged", l.flagged},
                        {"value", l.value},
                        {"base", l.base},
                        {"raised", list(up)},
                        {"lowered", list(down)}};
    if (explanation.chunks > 1) {
      nlohmann::json chunks = nlohmann::json::array();
      for (const TokenSpan& c : l.chunks) chunks.push_back({c.begin, c.end});
      j["chunks"] = std::move(chunks);
    }
    labels.push_back(std::move(j));
  }
  return {{"method", explain_method_name(explanation.method)},
          {"chunks", explanation.chunks},
          {"labels", std::move(labels)}};
}

}  // namespace winnow
