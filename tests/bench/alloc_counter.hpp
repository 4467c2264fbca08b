// alloc_counter.hpp: counts heap allocations made by the calling thread. The benchmark binary
// replaces the global operator new/delete (alloc_counter.cpp) so that a benchmark can tell how many
// allocations one steady-state frame of the hot loop makes (the target is zero).
// Thread safety: the counter is thread_local; each thread sees only its own allocations.
#pragma once

#include <cstdint>

namespace ft::bench {

// Allocations (operator new of any form) made by this thread since it started.
std::uint64_t thread_allocations();

// When the environment variable FT_ALLOC_TRACE is set, every allocation this thread makes while
// tracing is on prints a stack trace to stderr (to find where a steady-state allocation comes from;
// build with -DCMAKE_CXX_FLAGS=-rdynamic for function names). Off by default.
void trace_allocations(bool on);

}  // namespace ft::bench
