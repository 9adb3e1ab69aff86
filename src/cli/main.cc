// `winnow`: git-style subcommands over the core library.
#include <cstdio>
#include <map>

#include "cli/commands.h"

namespace winnow::cli {

int report_error(std::string_view command, const Status& status) {
  std::fprintf(stderr, "winnow %.*s: error: %s\n", static_cast<int>(command.size()), command.data(),
               status.message().c_str());
  return kExitFailure;
}

int usage_error(std::string_view command, std::string_view message) {
  std::fprintf(stderr,
               "winnow %.*s: usage error: %.*s\nRun 'winnow %.*s --help' for its options.\n",
               static_cast<int>(command.size()), command.data(), static_cast<int>(message.size()),
               message.data(), static_cast<int>(command.size()), command.data());
  return kExitUsage;
}

}  // namespace winnow::cli

int main(int argc, char** argv) {
  using namespace winnow::cli;
  CLI::App app{
      "winnow: a self-hosted classifier factory (prepare, inspect, train and serve text "
      "classifiers)",
      "winnow"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("winnow ") + WINNOW_VERSION);
  app.footer("Run 'winnow <command> --help' for a command's options.");

  std::map<CLI::App*, CommandAction> actions;
  auto add = [&](CommandAction action) {
    actions[app.get_subcommands({}).back()] = std::move(action);
  };
  add(register_prepare(app));
  add(register_validate(app));
  add(register_stats(app));
  add(register_train(app));
  add(register_classify(app));
  add(register_serve(app));
  add(register_eval(app));

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }
  for (auto& [sub, action] : actions) {
    if (sub->parsed()) return action();
  }
  return kExitUsage;
}
