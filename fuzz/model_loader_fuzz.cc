// Fuzzes the model loader (parse_model in src/model/model_io.h): any bytes must give a model or
// an error value: never a crash, an out-of-bounds read or a huge allocation. Because the loader
// checks XXH3 checksums first, mutated bytes would almost never get past them; so every input
// is tried twice: as it is, and with its header's sizes and checksums made consistent (file size,
// body and header checksums), which lets the fuzzer reach the metadata JSON and tensor table. A
// model that loads must classify a text without faults and give scores in [0, 1].
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "fuzz_support.h"
#include "model/model.h"
#include "model/model_io.h"

namespace {

using winnow::fuzz::fuzz_check;

void load_and_use(std::string_view bytes) {
  winnow::Result<std::shared_ptr<const winnow::Model>> model = winnow::parse_model(bytes);
  if (!model.is_ok()) {
    fuzz_check(!model.status().message().empty(), "an error without a message");
    return;
  }
  const winnow::Model& m = **model;
  fuzz_check(m.num_outputs() > 0, "a model without outputs");
  winnow::PredictScratch scratch;
  std::vector<float> scores(m.num_outputs());
  for (const char* text : {"", "You are an idiot.", "Thanks for the article \xF0\x9F\x98\x80"}) {
    m.predict(text, &scratch, scores);
    for (float s : scores) fuzz_check(!(s < 0.0f || s > 1.0f), "a score outside [0, 1]");
  }
  // What loads must save and load again to the same bytes.
  const std::string again = winnow::serialize_model(m);
  fuzz_check(winnow::parse_model(again).is_ok(), "a loaded model does not reload");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  load_and_use(bytes);
  // Header layout (docs/model-format.md): file_bytes at 16, body checksum at 48, header
  // checksum of [0, 56) at 56.
  if (bytes.size() >= 64) {
    const uint64_t file_bytes = bytes.size();
    std::memcpy(bytes.data() + 16, &file_bytes, 8);
    const uint64_t body = XXH3_64bits(bytes.data() + 64, bytes.size() - 64);
    std::memcpy(bytes.data() + 48, &body, 8);
    const uint64_t header = XXH3_64bits(bytes.data(), 56);
    std::memcpy(bytes.data() + 56, &header, 8);
    load_and_use(bytes);
  }
  return 0;
}
