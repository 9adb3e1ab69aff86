#include "core/huge_page_allocator.h"

#include <cstdint>

namespace winnow {
namespace {

size_t round_up(size_t bytes) {
  return (bytes + kHugePageBytes - 1) / kHugePageBytes * kHugePageBytes;
}

}  // namespace

void* huge_page_map(size_t bytes) {
  const size_t length = round_up(bytes);
  // Over-map by one huge page so the returned block can start on a 2 MiB boundary (the kernel
  // only backs aligned 2 MiB ranges with huge pages), then give back the unused ends.
  const size_t mapped = length + kHugePageBytes;
  void* raw = ::mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) throw std::bad_alloc();
  const auto start = reinterpret_cast<uintptr_t>(raw);
  const uintptr_t aligned = (start + kHugePageBytes - 1) & ~(uintptr_t{kHugePageBytes} - 1);
  if (aligned > start) ::munmap(raw, aligned - start);
  const uintptr_t end = start + mapped;
  if (end > aligned + length)
    ::munmap(reinterpret_cast<void*>(aligned + length), end - (aligned + length));
  void* p = reinterpret_cast<void*>(aligned);
  ::madvise(p, length, MADV_HUGEPAGE);  // advice only: without THP this is a normal mapping
  return p;
}

void huge_page_unmap(void* p, size_t bytes) { ::munmap(p, round_up(bytes)); }

}  // namespace winnow
