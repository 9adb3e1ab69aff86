#include "train/hyperparameters.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

namespace winnow::hyper {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// The message of check(v), or "" when it accepts v.
std::string hyper_error(const Values& v) {
  const Status s = check(v);
  if (s.is_ok()) return "";
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.to_string();
  return s.message();
}

TEST(Hyperparameters, AcceptsTheDefaults) {
  EXPECT_TRUE(check(Values{}).is_ok());
  Values v;
  EXPECT_EQ(v.learning_rate, kDefaultLearningRate);
  EXPECT_EQ(v.weight_decay, kDefaultWeightDecay);
  EXPECT_EQ(v.warmup_fraction, kDefaultWarmupFraction);
  EXPECT_FALSE(v.training_steps.has_value());
  EXPECT_FALSE(v.epochs.has_value());
  // Every default lies inside its own range.
  EXPECT_GE(kDefaultLearningRate, kLearningRate.min);
  EXPECT_LE(kDefaultLearningRate, kLearningRate.max);
  EXPECT_GE(kDefaultWeightDecay, kWeightDecay.min);
  EXPECT_LE(kDefaultWeightDecay, kWeightDecay.max);
  EXPECT_GE(kDefaultWarmupFraction, kWarmupFraction.min);
  EXPECT_LE(kDefaultWarmupFraction, kWarmupFraction.max);
}

TEST(Hyperparameters, AcceptsBothEndsOfEveryRange) {
  for (double x : {kLearningRate.min, kLearningRate.max}) {
    Values v;
    v.learning_rate = x;
    EXPECT_EQ(hyper_error(v), "") << "learning_rate " << x;
  }
  for (double x : {kWeightDecay.min, kWeightDecay.max}) {
    Values v;
    v.weight_decay = x;
    EXPECT_EQ(hyper_error(v), "") << "weight_decay " << x;
  }
  for (double x : {kWarmupFraction.min, kWarmupFraction.max}) {
    Values v;
    v.warmup_fraction = x;
    EXPECT_EQ(hyper_error(v), "") << "warmup_fraction " << x;
  }
  Values steps;
  steps.training_steps = kMinTrainingSteps;
  EXPECT_EQ(hyper_error(steps), "");
  Values epochs;
  epochs.epochs = kMaxEpochs;
  EXPECT_EQ(hyper_error(epochs), "");
  epochs.epochs = 1e-6;
  EXPECT_EQ(hyper_error(epochs), "");
}

TEST(Hyperparameters, RejectsValuesOutOfRangeOrNaNNamingTheField) {
  const double below_lr = kLearningRate.min / 2;
  for (double x : {below_lr, 0.0, -1e-4, 1.0001, kNaN, kInf, -kInf}) {
    Values v;
    v.learning_rate = x;
    const std::string m = hyper_error(v);
    EXPECT_NE(m.find("learning rate"), std::string::npos) << x << ": '" << m << "'";
    EXPECT_NE(m.find(range_text(kLearningRate)), std::string::npos) << m;
  }
  for (double x : {-1e-9, 1.5, kNaN, kInf}) {
    Values v;
    v.weight_decay = x;
    const std::string m = hyper_error(v);
    EXPECT_NE(m.find("weight decay"), std::string::npos) << x << ": '" << m << "'";
  }
  for (double x : {-0.01, 1.01, kNaN, -kInf}) {
    Values v;
    v.warmup_fraction = x;
    const std::string m = hyper_error(v);
    EXPECT_NE(m.find("warmup fraction"), std::string::npos) << x << ": '" << m << "'";
  }
  for (int64_t s : {int64_t{0}, int64_t{-5}, std::numeric_limits<int64_t>::min()}) {
    Values v;
    v.training_steps = s;
    const std::string m = hyper_error(v);
    EXPECT_NE(m.find("training steps"), std::string::npos) << s << ": '" << m << "'";
  }
  for (double e : {0.0, -1.0, kNaN, kInf, kMaxEpochs * 2}) {
    Values v;
    v.epochs = e;
    const std::string m = hyper_error(v);
    EXPECT_NE(m.find("epochs"), std::string::npos) << e << ": '" << m << "'";
  }
}

TEST(Hyperparameters, RejectsStepsAndEpochsTogether) {
  Values v;
  v.training_steps = 10;
  v.epochs = 2;
  const std::string m = hyper_error(v);
  EXPECT_NE(m.find("steps"), std::string::npos) << m;
  EXPECT_NE(m.find("epochs"), std::string::npos) << m;
  v.epochs.reset();
  EXPECT_EQ(hyper_error(v), "");
  v.training_steps.reset();
  v.epochs = 2;
  EXPECT_EQ(hyper_error(v), "");
}

TEST(Hyperparameters, RangeTextIsShortAndExact) {
  EXPECT_EQ(range_text(kLearningRate), "[1e-08, 1]");
  EXPECT_EQ(range_text(kWeightDecay), "[0, 1]");
  EXPECT_EQ(range_text({0.05, 0.5}), "[0.05, 0.5]");
}

}  // namespace
}  // namespace winnow::hyper
