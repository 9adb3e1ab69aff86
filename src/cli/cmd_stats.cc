// Placeholder until the command lands; replaced by the real implementation.
#include "cli/commands.h"

namespace winnow::cli {

CommandAction register_stats(CLI::App& root) {
  root.add_subcommand("stats", "(not yet available)");
  return [] { return usage_error("stats", "not implemented yet"); };
}

}  // namespace winnow::cli
