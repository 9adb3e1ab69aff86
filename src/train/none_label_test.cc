// derive_heads' none label (HeadSpec::none_label): the label of a multi-label head that the
// training data gives exactly when it gives no other label of the head.
#include <gtest/gtest.h>

#include "train/training_data.h"

namespace winnow {
namespace {

// One sample per entry; each entry is the label list of head "moderation".
RawSplit split_of(const std::vector<std::vector<std::string>>& label_lists) {
  RawSplit split;
  for (const auto& labels : label_lists) {
    ClassifierSample s;
    s.text = "text";
    s.labels.push_back({"moderation", labels, true});
    split.samples.push_back(std::move(s));
  }
  return split;
}

std::optional<uint32_t> none_label_of(const std::vector<std::vector<std::string>>& label_lists) {
  Result<std::vector<HeadSpec>> heads = derive_heads(split_of(label_lists), HeadOptions{});
  EXPECT_TRUE(heads.is_ok()) << heads.status().to_string();
  if (!heads.is_ok()) return std::nullopt;
  return (*heads)[0].none_label;
}

TEST(NoneLabel, TheTutorialsSafeLabelIsFoundWhateverItsName) {
  EXPECT_EQ(none_label_of({{"toxicity", "insult"}, {"safe"}, {"toxicity"}, {"safe"}}),
            2u);  // labels: toxicity, insult, safe
  EXPECT_EQ(none_label_of({{"ok"}, {"threat"}, {"threat", "insult"}}), 0u);
}

TEST(NoneLabel, ALabelEverGivenBesideAnotherIsNotIt) {
  EXPECT_EQ(none_label_of({{"toxicity", "safe"}, {"safe"}, {"toxicity"}}), std::nullopt);
}

TEST(NoneLabel, ASampleWithoutAnyLabelOfTheHeadRulesItOut) {
  // "no label" then means none; the remaining label is not the data's way of saying it.
  EXPECT_EQ(none_label_of({{"safe"}, {"toxicity", "insult"}, {}}), std::nullopt);
}

TEST(NoneLabel, ExclusiveLabelsAreAmbiguousUnlessOneIsNamedSafeOrNone) {
  // A binary head written as lists: both labels are always alone.
  EXPECT_EQ(none_label_of({{"spam"}, {"ham"}, {"spam"}}), std::nullopt);
  EXPECT_EQ(none_label_of({{"toxic"}, {"Safe"}, {"toxic"}}), 1u);
  EXPECT_EQ(none_label_of({{"None"}, {"other"}}), 0u);
  EXPECT_EQ(none_label_of({{"none"}, {"safe"}}), std::nullopt);  // both named: no choice
}

TEST(NoneLabel, SingleLabelHeadsHaveNone) {
  RawSplit split;
  for (const char* l : {"safe", "toxic", "safe"}) {
    ClassifierSample s;
    s.text = "text";
    s.labels.push_back({"moderation", {l}, false});
    split.samples.push_back(std::move(s));
  }
  Result<std::vector<HeadSpec>> heads = derive_heads(split, HeadOptions{});
  ASSERT_TRUE(heads.is_ok());
  EXPECT_EQ((*heads)[0].kind, HeadKind::kSingleLabel);
  EXPECT_EQ((*heads)[0].none_label, std::nullopt);
}

}  // namespace
}  // namespace winnow
