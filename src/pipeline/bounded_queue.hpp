// bounded_queue.hpp: a blocking FIFO of fixed capacity between two threads (replay: decoder ->
// analyser), and a capacity-1 "latest value wins" slot (live: capture -> analysis) that counts what
// it overwrote. Both are thread-safe; close() wakes every waiter. The FIFO is a ring of `capacity`
// slots allocated once: pushing and popping never allocate.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

namespace ft {

template <class T>
class BoundedQueue {
 public:
  explicit BoundedQueue(std::size_t capacity) : ring_(capacity > 0 ? capacity : 1) {}
  // Blocks while full. Returns false when the queue was closed.
  bool push(T v) {
    std::unique_lock lock(m_);
    not_full_.wait(lock, [&] { return closed_ || size_ < ring_.size(); });
    if (closed_) return false;
    ring_[(head_ + size_) % ring_.size()] = std::move(v);
    ++size_;
    not_empty_.notify_one();
    return true;
  }
  // Blocks while empty. nullopt when closed and drained.
  std::optional<T> pop() {
    std::unique_lock lock(m_);
    not_empty_.wait(lock, [&] { return closed_ || size_ > 0; });
    if (size_ == 0)
      return std::nullopt;
    std::optional<T> v = std::move(ring_[head_]);
    ring_[head_].reset();
    head_ = (head_ + 1) % ring_.size();
    --size_;
    not_full_.notify_one();
    return v;
  }
  void close() {
    std::lock_guard lock(m_);
    closed_ = true;
    not_empty_.notify_all();
    not_full_.notify_all();
  }

 private:
  std::mutex m_;
  std::condition_variable not_empty_, not_full_;
  std::vector<std::optional<T>> ring_;  // size_ values from head_, wrapping around
  std::size_t head_ = 0, size_ = 0;
  bool closed_ = false;
};

template <class T>
class LatestSlot {
 public:
  // Never blocks: a value not yet taken is replaced (and counted as dropped).
  void put(T v) {
    std::lock_guard lock(m_);
    if (value_) ++dropped_;
    value_ = std::move(v);
    cv_.notify_one();
  }
  // Blocks until a value or close(). nullopt when closed and empty.
  std::optional<T> take() {
    std::unique_lock lock(m_);
    cv_.wait(lock, [&] { return closed_ || value_.has_value(); });
    std::optional<T> v = std::move(value_);
    value_.reset();
    return v;
  }
  void close() {
    std::lock_guard lock(m_);
    closed_ = true;
    cv_.notify_all();
  }
  std::uint64_t dropped() const {
    std::lock_guard lock(m_);
    return dropped_;
  }

 private:
  mutable std::mutex m_;
  std::condition_variable cv_;
  std::optional<T> value_;
  std::uint64_t dropped_ = 0;
  bool closed_ = false;
};

}  // namespace ft
