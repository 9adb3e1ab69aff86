// The `winnow` front end: each subcommand declares its options on the root app and returns
// the action to run if the user chose it. Actions return the process exit code:
// 0 success, 1 failure (bad input, I/O), 2 usage error.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "core/status.h"

namespace winnow::cli {

using CommandAction = std::function<int()>;

CommandAction register_prepare(CLI::App& root);
CommandAction register_validate(CLI::App& root);
CommandAction register_stats(CLI::App& root);
CommandAction register_train(CLI::App& root);
CommandAction register_classify(CLI::App& root);
CommandAction register_serve(CLI::App& root);
CommandAction register_eval(CLI::App& root);

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

// Prints "winnow <command>: error: <message>" to stderr and returns kExitFailure.
int report_error(std::string_view command, const Status& status);
// Prints "winnow <command>: usage error: <message>" to stderr and returns kExitUsage; for option
// values that CLI11 cannot check by itself (ranges that depend on each other, say).
int usage_error(std::string_view command, std::string_view message);

}  // namespace winnow::cli
