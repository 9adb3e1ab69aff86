// Placeholder until the command lands; replaced by the real implementation.
#include "cli/commands.h"

namespace winnow::cli {

CommandAction register_prepare(CLI::App& root) {
  root.add_subcommand("prepare", "(not yet available)");
  return [] { return usage_error("prepare", "not implemented yet"); };
}

}  // namespace winnow::cli
