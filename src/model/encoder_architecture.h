// The "encoder" row of the architecture table (architecture.h): a pretrained sentence encoder
// (src/encoder/text_encoder.h; training fine-tunes its top layer, train/encoder_training.h)
// whose embedding joins the linear architecture's hashed n-grams as extra inputs of the same
// heads. Its tensors: those of "linear" (linear.weight has
// buckets + 512 rows) plus the encoder's weights and vocabulary ("encoder.*"), whose XXH3
// checksum the spec records and bind verifies.
#pragma once

#include "model/architecture.h"

namespace winnow {

Architecture encoder_architecture();

}  // namespace winnow
