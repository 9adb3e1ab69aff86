// Compiled with only include/ on the include path, as a program using an installed Winnow
// would be: the build fails if a public header reaches into src/.
#include "winnow/classifier.h"
#include "winnow/status.h"

namespace {

[[maybe_unused]] winnow::Result<size_t> head_count(const std::string& path) {
  WINNOW_ASSIGN_OR_RETURN(const winnow::Classifier clf, winnow::Classifier::load(path));
  return clf.heads().size();
}

}  // namespace
