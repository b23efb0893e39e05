#include "audit/hour_files.h"

#include "core/time_format.h"

namespace iamd::audit {
namespace {

constexpr std::string_view kInfix = "_CloudTrail_";
constexpr std::string_view kPlain = ".jsonl";
constexpr std::string_view kGzip = ".jsonl.gz";
constexpr std::string_view kTemp = ".jsonl.gz.tmp";

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// "YYYYMMDDTHH" of the hour (format_amz_date gives "YYYYMMDDTHHMMSSZ").
std::string hour_stamp(core::TimePoint hour) { return core::format_amz_date(hour).substr(0, 11); }

}  // namespace

bool valid_account(std::string_view account) {
  if (account.empty() || account.size() > 64) return false;
  for (char c : account) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string_view file_account(std::string_view account) {
  return valid_account(account) ? account : std::string_view("unknown");
}

core::TimePoint hour_of(core::TimePoint t) { return std::chrono::floor<std::chrono::hours>(t); }

std::filesystem::path hour_dir(std::string_view account, core::TimePoint hour) {
  std::string stamp = hour_stamp(hour);  // YYYYMMDDTHH
  return std::filesystem::path(std::string(account)) / stamp.substr(0, 4) / stamp.substr(4, 2) /
         stamp.substr(6, 2);
}

std::string hour_file_name(const HourFile& file) {
  std::string name = file.account;
  name += kInfix;
  name += hour_stamp(file.hour);
  name += 'Z';
  if (file.part > 0) name += "_" + std::to_string(file.part);
  switch (file.kind) {
    case HourFileKind::Plain: name += kPlain; break;
    case HourFileKind::Gzip: name += kGzip; break;
    case HourFileKind::Temp: name += kTemp; break;
  }
  return name;
}

std::filesystem::path hour_file_path(const HourFile& file) {
  return hour_dir(file.account, file.hour) / hour_file_name(file);
}

std::optional<HourFile> parse_hour_file_name(std::string_view name) {
  HourFile file;
  if (ends_with(name, kTemp)) {
    file.kind = HourFileKind::Temp;
    name.remove_suffix(kTemp.size());
  } else if (ends_with(name, kGzip)) {
    file.kind = HourFileKind::Gzip;
    name.remove_suffix(kGzip.size());
  } else if (ends_with(name, kPlain)) {
    file.kind = HourFileKind::Plain;
    name.remove_suffix(kPlain.size());
  } else {
    return std::nullopt;
  }
  // name is now "<account>_CloudTrail_<YYYYMMDD>T<HH>Z[_<n>]". The account may hold '_', so the
  // infix is searched from the right.
  size_t infix = name.rfind(kInfix);
  if (infix == std::string_view::npos) return std::nullopt;
  file.account = std::string(name.substr(0, infix));
  if (!valid_account(file.account)) return std::nullopt;
  std::string_view rest = name.substr(infix + kInfix.size());
  if (rest.size() < 12 || rest[8] != 'T' || rest[11] != 'Z') return std::nullopt;
  std::string stamp(rest.substr(0, 11));
  if (!all_digits(stamp.substr(0, 8)) || !all_digits(stamp.substr(9, 2))) return std::nullopt;
  auto hour = core::parse_amz_date(stamp + "0000Z");
  if (!hour) return std::nullopt;
  file.hour = *hour;
  rest.remove_prefix(12);
  if (!rest.empty()) {
    if (rest[0] != '_' || rest.size() > 10 || !all_digits(rest.substr(1))) return std::nullopt;
    file.part = std::stoi(std::string(rest.substr(1)));
    if (file.part <= 0) return std::nullopt;
  }
  return file;
}

}  // namespace iamd::audit
