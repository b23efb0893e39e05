#pragma once
// Result<T>: a value or a core::Error. Member names follow std::expected so that moving to C++23 is
// a rename. An Error converts implicitly, so `return Error{...};` works in any Result function.

#include <optional>
#include <utility>
#include <variant>

#include "core/error.h"

namespace iamd::core {

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool has_value() const { return !error_.has_value(); }
  explicit operator bool() const { return has_value(); }
  const Error& error() const { return *error_; }

 private:
  std::optional<Error> error_;
};

using Status = Result<void>;

}  // namespace iamd::core

/// Returns the error of a failed Result from the enclosing function.
#define IAMD_TRY(expr)                          \
  do {                                          \
    auto&& iamd_try_result_ = (expr);           \
    if (!iamd_try_result_) return iamd_try_result_.error(); \
  } while (0)
