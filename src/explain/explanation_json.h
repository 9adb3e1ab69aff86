// The JSON form of an explanation, shared by `winnow classify --explain` (one per line) and
// POST /v1/winnow/explain (one per input); docs/api.md shows it.
//
//   {"method": "exact", "chunks": 1,
//    "labels": [{"head": "moderation", "label": "toxicity", "score": 0.93, "flagged": true,
//                "value": 2.41, "base": -1.10,
//                "raised": [{"start": 9, "end": 14, "text": "idiot", "contribution": 2.2}],
//                "lowered": [{"start": 0, "end": 6, "text": "Thanks", "contribution": -0.4}]}]}
//
// start/end are byte offsets into the input; text is the exact substring. raised holds the
// top_k spans with the largest positive contributions (largest first), lowered the top_k most
// negative. With more than one chunk, each label also says which "chunks" ([start, end] byte
// ranges) its explanation comes from.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "explain/explanation.h"

namespace winnow {

nlohmann::json explanation_json(const ModelSpec& spec, std::string_view text,
                                const Explanation& explanation, size_t top_k);

}  // namespace winnow
