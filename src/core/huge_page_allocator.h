// An allocator for large, short-lived buffers (row indexes, text arenas, output buffers) that
// asks the kernel for transparent huge pages. Why: first-touching fresh memory costs one page
// fault per 4 KiB page, and on virtual machines a page fault is expensive — `winnow prepare`
// spent about a fifth of its time in page faults before this. With 2 MiB pages there are 512×
// fewer. Small requests go to the normal heap. Stateless; safe to use from any thread.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <new>
#include <string>

namespace winnow {

inline constexpr size_t kHugePageBytes = size_t{2} << 20;

// Maps `bytes` (rounded up to whole huge pages, 2 MiB-aligned) and advises huge pages.
void* huge_page_map(size_t bytes);
void huge_page_unmap(void* p, size_t bytes);

template <typename T>
struct HugePageAllocator {
  using value_type = T;
  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) {}  // NOLINT: rebinding must be implicit

  T* allocate(size_t n) {
    const size_t bytes = n * sizeof(T);
    if (bytes < kHugePageBytes) return static_cast<T*>(::operator new(bytes));
    return static_cast<T*>(huge_page_map(bytes));
  }
  void deallocate(T* p, size_t n) noexcept {
    const size_t bytes = n * sizeof(T);
    if (bytes < kHugePageBytes) {
      ::operator delete(p);
    } else {
      huge_page_unmap(p, bytes);
    }
  }
  template <typename U>
  bool operator==(const HugePageAllocator<U>&) const {
    return true;
  }
};

// A string whose large buffers come from huge pages.
using BigString = std::basic_string<char, std::char_traits<char>, HugePageAllocator<char>>;

}  // namespace winnow
