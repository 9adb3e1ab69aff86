#include "store/records.h"

#include <array>
#include <utility>

namespace winnow::store {
namespace {

constexpr std::array<std::pair<JobStatus, std::string_view>, 9> kStatusNames = {{
    {JobStatus::kQueued, "QUEUED"},
    {JobStatus::kValidating, "VALIDATING"},
    {JobStatus::kValidated, "VALIDATED"},
    {JobStatus::kRunning, "RUNNING"},
    {JobStatus::kFailedValidation, "FAILED_VALIDATION"},
    {JobStatus::kFailed, "FAILED"},
    {JobStatus::kSuccess, "SUCCESS"},
    {JobStatus::kCancelled, "CANCELLED"},
    {JobStatus::kCancellationRequested, "CANCELLATION_REQUESTED"},
}};

}  // namespace

std::string_view job_status_name(JobStatus status) {
  for (const auto& [s, name] : kStatusNames) {
    if (s == status) return name;
  }
  return "UNKNOWN";
}

std::optional<JobStatus> parse_job_status(std::string_view name) {
  for (const auto& [s, n] : kStatusNames) {
    if (n == name) return s;
  }
  return std::nullopt;
}

bool is_terminal(JobStatus status) {
  return status == JobStatus::kFailedValidation || status == JobStatus::kFailed ||
         status == JobStatus::kSuccess || status == JobStatus::kCancelled;
}

}  // namespace winnow::store
