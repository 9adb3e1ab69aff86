// The binary's contract: --help, --version, exit code 2 on usage errors.
#include "test_support.h"

namespace winnow::testing {
namespace {

TEST(CliBasics, HelpListsSubcommandsAndExitsZero) {
  CommandResult r = run_command(kWinnow + " --help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("prepare"), std::string::npos);
  EXPECT_NE(r.out.find("validate"), std::string::npos);
  EXPECT_NE(r.out.find("stats"), std::string::npos);
}

TEST(CliBasics, UnknownSubcommandIsAUsageError) {
  CommandResult r = run_command(kWinnow + " frobnicate");
  EXPECT_EQ(r.exit_code, 2);
}

TEST(CliBasics, NoSubcommandIsAUsageError) { EXPECT_EQ(run_command(kWinnow).exit_code, 2); }

TEST(CliBasics, VersionPrintsVersion) {
  CommandResult r = run_command(kWinnow + " --version");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("winnow 0."), std::string::npos);
}

}  // namespace
}  // namespace winnow::testing
