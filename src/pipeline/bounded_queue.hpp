// bounded_queue.hpp: a blocking FIFO of fixed capacity between two threads (replay: decoder ->
// analyser), and a capacity-1 "latest value wins" slot (live: capture -> analysis) that counts what it
// overwrote. Both are thread-safe; close() wakes every waiter.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>

namespace ft {

template <class T>
class BoundedQueue {
 public:
  explicit BoundedQueue(std::size_t capacity) : capacity_(capacity) {}
  // Blocks while full. Returns false when the queue was closed.
  bool push(T v) {
    std::unique_lock lock(m_);
    not_full_.wait(lock, [&] { return closed_ || q_.size() < capacity_; });
    if (closed_) return false;
    q_.push_back(std::move(v));
    not_empty_.notify_one();
    return true;
  }
  // Blocks while empty. nullopt when closed and drained.
  std::optional<T> pop() {
    std::unique_lock lock(m_);
    not_empty_.wait(lock, [&] { return closed_ || !q_.empty(); });
    if (q_.empty()) return std::nullopt;
    T v = std::move(q_.front());
    q_.pop_front();
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
  std::deque<T> q_;
  std::size_t capacity_;
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
