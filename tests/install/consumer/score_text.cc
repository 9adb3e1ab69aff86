// Scores texts with the installed engine and winnow/classifier.h alone: one JSON result per
// text on stdout, in the form `winnow classify` prints (without flags).
// Usage: score_text MODEL TEXT...
#include <cstdio>

#include "winnow/classifier.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: score_text MODEL TEXT...\n");
    return 2;
  }
  const winnow::Result<winnow::Classifier> clf = winnow::Classifier::load(argv[1]);
  if (!clf.is_ok()) {
    std::fprintf(stderr, "score_text: %s\n", clf.status().message().c_str());
    return 1;
  }
  for (int i = 2; i < argc; ++i) {
    std::printf("%s\n", clf->to_json(clf->classify(argv[i]), /*with_flags=*/false).c_str());
  }
  return 0;
}
