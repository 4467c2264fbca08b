// alloc_counter.cpp: the global operator new/delete of the benchmark binary, counting per thread.
// Every form of operator new is replaced (plain, array, aligned, nothrow) and forwards to malloc /
// aligned_alloc; the matching deletes free. Only ft_benchmarks links this file.
#include "alloc_counter.hpp"

#include <execinfo.h>
#include <unistd.h>

#include <cstdlib>
#include <new>

namespace ft::bench {
namespace {
thread_local std::uint64_t g_allocations = 0;
thread_local bool g_tracing = false;

void count() {
  ++g_allocations;
  if (g_tracing) {
    g_tracing = false;  // backtrace() itself may allocate
    void* frames[24];
    const int n = backtrace(frames, 24);
    static const char kLine[] = "---- allocation:\n";
    (void)!write(2, kLine, sizeof kLine - 1);
    backtrace_symbols_fd(frames, n, 2);
    g_tracing = true;
  }
}

void* allocate(std::size_t size) {
  count();
  if (void* p = std::malloc(size == 0 ? 1 : size))
    return p;
  throw std::bad_alloc();
}

void* allocate_aligned(std::size_t size, std::align_val_t align) {
  count();
  const auto a = static_cast<std::size_t>(align);
  const std::size_t rounded =
      ((size == 0 ? 1 : size) + a - 1) / a * a;  // aligned_alloc wants a multiple
  if (void* p = std::aligned_alloc(a, rounded))
    return p;
  throw std::bad_alloc();
}
}  // namespace

std::uint64_t thread_allocations() {
  return g_allocations;
}

void trace_allocations(bool on) {
  g_tracing = on && std::getenv("FT_ALLOC_TRACE") != nullptr;
}

}  // namespace ft::bench

void* operator new(std::size_t size) {
  return ft::bench::allocate(size);
}
void* operator new[](std::size_t size) {
  return ft::bench::allocate(size);
}
void* operator new(std::size_t size, std::align_val_t a) {
  return ft::bench::allocate_aligned(size, a);
}
void* operator new[](std::size_t size, std::align_val_t a) {
  return ft::bench::allocate_aligned(size, a);
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return ft::bench::allocate(size);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return ft::bench::allocate(size);
  } catch (...) {
    return nullptr;
  }
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept {
  std::free(p);
}
