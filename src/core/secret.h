#pragma once
// A secret string (secret access key, password, session key) that wipes its memory when destroyed
// and never prints itself.

#include <string.h>

#include <ostream>
#include <string>
#include <string_view>

namespace iamd::core {

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}
  Secret(const Secret&) = default;
  Secret(Secret&&) noexcept = default;
  Secret& operator=(const Secret& other) {
    if (this != &other) {
      wipe();
      value_ = other.value_;
    }
    return *this;
  }
  Secret& operator=(Secret&& other) noexcept {
    if (this != &other) {
      wipe();
      value_ = std::move(other.value_);
    }
    return *this;
  }
  ~Secret() { wipe(); }

  /// The secret itself: use it, do not keep or log it.
  std::string_view reveal() const { return value_; }
  bool empty() const { return value_.empty(); }

  friend std::ostream& operator<<(std::ostream& os, const Secret&) { return os << "***"; }

 private:
  void wipe() {
    // explicit_bzero (glibc): a memset the compiler may not drop as dead, at memset's speed
    // (a volatile byte loop cost ~1 ns a byte, and every session opened ends with one).
    if (!value_.empty()) explicit_bzero(value_.data(), value_.size());
    value_.clear();
  }
  std::string value_;
};

}  // namespace iamd::core
