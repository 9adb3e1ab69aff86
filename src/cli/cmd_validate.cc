// Placeholder until the command lands; replaced by the real implementation.
#include "cli/commands.h"

namespace winnow::cli {

CommandAction register_validate(CLI::App& root) {
  root.add_subcommand("validate", "(not yet available)");
  return [] { return usage_error("validate", "not implemented yet"); };
}

}  // namespace winnow::cli
