#include "model/architecture.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "model/model.h"
#include "train/learner.h"

namespace winnow {
namespace {

TEST(Architecture, ResolvesEveryNameInTheTableToItsRow) {
  for (const Architecture& a : architectures()) {
    Result<const Architecture*> r = resolve_architecture(a.name);
    ASSERT_TRUE(r.is_ok()) << a.name << ": " << r.status().to_string();
    EXPECT_EQ(*r, &a) << a.name;
    EXPECT_EQ(find_architecture(a.name), &a);
  }
  EXPECT_EQ(architectures().front().name, "linear");  // the default first
  EXPECT_NE(find_architecture("encoder"), nullptr);
}

TEST(Architecture, DefaultAndEmptyNameStandForTheGivenDefault) {
  for (std::string_view def : {"linear", "encoder"}) {
    for (std::string_view name : {"default", ""}) {
      Result<const Architecture*> r = resolve_architecture(name, def);
      ASSERT_TRUE(r.is_ok()) << name << " -> " << def << ": " << r.status().to_string();
      EXPECT_EQ((*r)->name, def) << "'" << name << "'";
    }
  }
  Result<const Architecture*> implicit = resolve_architecture("default");
  ASSERT_TRUE(implicit.is_ok());
  EXPECT_EQ((*implicit)->name, "linear");
}

TEST(Architecture, MistralAliasesStandForTheGivenDefault) {
  ASSERT_EQ(mistral_model_aliases(),
            (std::vector<std::string>{"ministral-3b-latest", "ministral-8b-latest"}));
  for (const std::string& alias : mistral_model_aliases()) {
    for (std::string_view def : {"linear", "encoder"}) {
      Result<const Architecture*> r = resolve_architecture(alias, def);
      ASSERT_TRUE(r.is_ok()) << alias << " -> " << def << ": " << r.status().to_string();
      EXPECT_EQ((*r)->name, def) << alias;
    }
    Result<const Architecture*> implicit = resolve_architecture(alias);
    ASSERT_TRUE(implicit.is_ok());
    EXPECT_EQ((*implicit)->name, "linear") << alias;
  }
  // An explicit architecture name is never redirected to the default.
  Result<const Architecture*> linear = resolve_architecture("linear", "encoder");
  ASSERT_TRUE(linear.is_ok());
  EXPECT_EQ((*linear)->name, "linear");
}

TEST(Architecture, UnknownNameIsInvalidArgumentListingTheKnownOnes) {
  for (std::string_view name : {"nosuch", "Linear", "encoder ", "winnow-linear", "gpt-9"}) {
    Result<const Architecture*> r = resolve_architecture(name);
    ASSERT_FALSE(r.is_ok()) << name;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << name;
    const std::string& m = r.status().message();
    EXPECT_NE(m.find("'" + std::string(name) + "'"), std::string::npos) << m;
    EXPECT_NE(m.find("linear"), std::string::npos) << m;
    EXPECT_NE(m.find("encoder"), std::string::npos) << m;
    EXPECT_NE(m.find("ministral-3b-latest"), std::string::npos) << m;
  }
  EXPECT_EQ(find_architecture("nosuch"), nullptr);
  EXPECT_EQ(architecture_names(), "linear, encoder");
}

TEST(Architecture, AnUnknownDefaultIsAnErrorNotACrash) {
  Result<const Architecture*> r = resolve_architecture("ministral-3b-latest", "nosuch");
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
}

TEST(Architecture, EveryRowHasATrainingRowADescriptionAndTensors) {
  std::set<std::string_view> names;
  for (const Architecture& a : architectures()) {
    EXPECT_TRUE(names.insert(a.name).second) << a.name << " appears twice";
    EXPECT_FALSE(a.description.empty()) << a.name;
    EXPECT_FALSE(a.tensors.empty()) << a.name;
    for (const TensorSpec& t : a.tensors) {
      EXPECT_FALSE(t.name.empty()) << a.name;
      EXPECT_FALSE(t.description.empty()) << a.name << " " << t.name;
    }
    EXPECT_NE(a.extra_inputs, nullptr) << a.name;
    EXPECT_NE(a.bind, nullptr) << a.name;
    const ArchitectureTraining& training = architecture_training(a.name);
    EXPECT_EQ(training.name, a.name);
    EXPECT_NE(training.fixed_tensors, nullptr) << a.name;
    EXPECT_NE(training.make_learner, nullptr) << a.name;
  }
}

TEST(Architecture, EncoderAddsItsEmbeddingRowsOnlyWithAnEncoderBlock) {
  ModelSpec spec;
  spec.features.hash_bits = 10;
  spec.heads.push_back({"h", HeadKind::kSingleLabel, {"a", "b"}, {0.5f, 0.5f}, 1.0f, std::nullopt});
  EXPECT_EQ(spec.num_inputs(), 1024u);
  spec.architecture = "encoder";
  EXPECT_EQ(spec.num_inputs(), 1024u);  // no encoder named: nothing to append
  spec.encoder.name = "use-lite";
  EXPECT_EQ(spec.num_inputs(), 1024u + 512u);
}

TEST(Architecture, LinearModelWithAnEncoderBlockIsRejected) {
  ModelSpec spec;
  spec.features.hash_bits = 8;
  spec.heads.push_back({"h", HeadKind::kSingleLabel, {"a", "b"}, {0.5f, 0.5f}, 1.0f, std::nullopt});
  spec.encoder.name = "use-lite";
  auto m = Model::create(spec, nullptr,
                         linear_tensors(std::vector<float>(256, 1.0f),
                                        std::vector<float>(256 * 2, 0.0f), {0.0f, 0.0f}));
  ASSERT_FALSE(m.is_ok());
  EXPECT_NE(m.status().message().find("linear architecture has no encoder"), std::string::npos)
      << m.status().message();
}

TEST(Architecture, EncoderSpecWithoutEncoderBlockIsRejected) {
  ModelSpec spec;
  spec.architecture = "encoder";
  spec.features.hash_bits = 8;
  spec.heads.push_back({"h", HeadKind::kSingleLabel, {"a", "b"}, {0.5f, 0.5f}, 1.0f, std::nullopt});
  auto m = Model::create(spec, nullptr,
                         linear_tensors(std::vector<float>(256, 1.0f),
                                        std::vector<float>(256 * 2, 0.0f), {0.0f, 0.0f}));
  ASSERT_FALSE(m.is_ok());
  EXPECT_NE(m.status().message().find("needs an encoder block"), std::string::npos)
      << m.status().message();
}

}  // namespace
}  // namespace winnow
