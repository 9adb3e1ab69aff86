// Identity annotations of classifier-JSONL samples, for the bias audit (eval/bias_audit.h).
// `winnow prepare --identity-columns` writes them and `winnow eval --identity-columns` reads
// them, in an optional `metadata` field of each line that Winnow's classifier-JSONL readers
// (and Mistral's, which ignore unknown fields) otherwise ignore:
//   {"text": "...", "labels": {...}, "metadata": {"identity": {"male": 0.6, "muslim": null}}}
// A value is a number in [0, 1] (the share of raters who said the text mentions the identity,
// as in civil_comments) or a boolean (true = 1); null or an absent key means "not annotated".
// The audit counts a sample in a subgroup when its value is >= 0.5.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace winnow {

// The 24 identity columns of the civil_comments / Kaggle "Unintended Bias" layout, in the
// Kaggle train.csv order.
const std::vector<std::string>& civil_comments_identity_columns();

// The 9 identities the Jigsaw Unintended Bias challenge's final metric used (those with more
// than 500 test samples): male, female, homosexual_gay_or_lesbian, christian, jewish, muslim,
// black, white, psychiatric_or_mental_illness.
const std::vector<std::string>& jigsaw_metric_identity_columns();

// What --identity-columns names: "all" (the 24 columns above), "jigsaw" (the 9 above), or a
// comma-separated list of column names (spaces around names are ignored). Errors
// (kInvalidArgument, naming the flag): an empty list or name, a name given twice.
Result<std::vector<std::string>> parse_identity_columns_flag(std::string_view spec);

// Appends `"metadata": {"identity": {"<name>": <value>, ...}}` (no leading comma) to *out:
// values in shortest round-trip form, NaN written as null. names and values are parallel.
void append_identity_metadata(std::string* out, const std::vector<std::string>& names,
                              const std::vector<double>& values);

// Reads the identity values of one classifier-JSONL line (a line parse_classifier_line
// accepted): values->at(j) is the value of names[j], NaN when not annotated (null or absent
// key). *present is set to whether the line has a `metadata.identity` object at all. With
// keys_seen (parallel to names), keys_seen[j] is set to 1 when the line has the key names[j]
// (even with null), and left alone otherwise: callers accumulate it over a file.
// Errors (kInvalidArgument, "field: problem", callers add "file:line: "): `metadata` or
// `metadata.identity` not an object; a value that is not a number in [0, 1], a boolean or null
// ("metadata.identity.male: expected a number in [0, 1], a boolean or null, got string").
// Thread-safe (a parser per thread).
Status read_identity_metadata(std::string_view line, const std::vector<std::string>& names,
                              std::vector<double>* values, bool* present,
                              std::vector<uint8_t>* keys_seen = nullptr);

// The keys of the line's `metadata.identity` object, appended to *keys if not there yet (for
// "--identity-columns all" on a file: every identity any sample has). With `present`, it is
// set to whether the line has a `metadata.identity` object. Same errors.
Status collect_identity_keys(std::string_view line, std::vector<std::string>* keys,
                             bool* present = nullptr);

}  // namespace winnow
