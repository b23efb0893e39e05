#pragma once
// A secret string (secret access key, password, session key) that wipes its memory when destroyed
// and never prints itself.

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
    // A volatile pointer keeps the compiler from dropping the stores as dead.
    volatile char* p = value_.data();
    for (size_t i = 0; i < value_.size(); ++i) p[i] = 0;
    value_.clear();
  }
  std::string value_;
};

}  // namespace iamd::core
