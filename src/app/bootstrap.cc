#include "app/bootstrap.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

#include "core/ids.h"
#include "core/secret.h"
#include "store/entities.h"

namespace iamd::app {
namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

bool is_digits(std::string_view s) { return s.find_first_not_of("0123456789") == std::string::npos; }

void validate_environment(const std::string& account, const std::string& key_id,
                          const std::string& secret) {
  if (!account.empty() && (account.size() != 12 || !is_digits(account))) {
    throw std::runtime_error("IAMD_ACCOUNT_ID must be 12 digits");
  }
  if (key_id.empty() != secret.empty()) {
    throw std::runtime_error(
        "IAMD_ROOT_ACCESS_KEY_ID and IAMD_ROOT_SECRET_ACCESS_KEY must be set together");
  }
  if (!key_id.empty()) {
    bool word = key_id.size() >= 16 && key_id.size() <= 128 &&
                key_id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                         "0123456789_") == std::string::npos;
    if (!word) throw std::runtime_error("IAMD_ROOT_ACCESS_KEY_ID must be 16-128 word characters");
    if (secret.size() < 16 || secret.size() > 128) {
      throw std::runtime_error("IAMD_ROOT_SECRET_ACCESS_KEY must be 16-128 characters");
    }
  }
}

// Writes the AWS shared-credentials file atomically with mode 0600.
void write_credentials_file(const std::string& path, const std::string& key_id,
                            const core::Secret& secret) {
  std::string body = "[default]\naws_access_key_id = " + key_id +
                     "\naws_secret_access_key = " + std::string(secret.reveal()) + "\n";
  std::string tmp = path + ".tmp";
  ::unlink(tmp.c_str());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) throw std::runtime_error("cannot create " + tmp);
  bool ok = ::write(fd, body.data(), body.size()) == static_cast<ssize_t>(body.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  std::fill(body.begin(), body.end(), '\0');
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    throw std::runtime_error("cannot write " + path);
  }
}

}  // namespace

BootstrapResult bootstrap(store::Store& store, core::Sealer& sealer, core::Random& random,
                          const core::Clock& clock, const std::string& data_dir) {
  std::string env_account = env("IAMD_ACCOUNT_ID");
  std::string env_key_id = env("IAMD_ROOT_ACCESS_KEY_ID");
  core::Secret env_secret(env("IAMD_ROOT_SECRET_ACCESS_KEY"));
  validate_environment(env_account, env_key_id, std::string(env_secret.reveal()));

  BootstrapResult result;
  core::Secret generated_secret;
  auto now = std::chrono::time_point_cast<std::chrono::seconds>(clock.now());
  auto st = store.write([&](store::Transaction& tx) -> core::Status {
    store::Entities e(tx);
    auto ids = e.list_account_ids();
    IAMD_TRY(ids);
    // The management account is the first one created: member accounts (Organizations'
    // CreateAccount) always come later, whatever their ids.
    if (!ids->empty()) {
      std::optional<core::TimePoint> earliest;
      for (const auto& id : *ids) {
        auto account = e.find_account(id);
        IAMD_TRY(account);
        if (!account->has_value()) continue;
        bool earlier = !earliest || (*account)->create_date < *earliest ||
                       ((*account)->create_date == *earliest && id < result.account_id);
        if (earlier) {
          earliest = (*account)->create_date;
          result.account_id = id;
        }
      }
    } else {
      result.account_id = env_account.empty() ? core::make_account_id(random) : env_account;
      IAMD_TRY(e.put_account(store::Account{result.account_id, now, ""}));
    }
    auto root_keys = e.access_keys_of(result.account_id, store::kRootOwner);
    IAMD_TRY(root_keys);

    store::AccessKey key;
    key.account = result.account_id;
    key.owner_id = std::string(store::kRootOwner);
    key.create_date = now;
    if (!env_key_id.empty()) {
      auto existing = e.find_access_key(env_key_id);
      IAMD_TRY(existing);
      if (existing->has_value()) {
        result.root_access_key_id = env_key_id;
        return {};
      }
      if (root_keys->size() >= 2) {
        return core::Error{core::ErrorCode::LimitExceeded,
                           "the root user already has two access keys"};
      }
      key.id = env_key_id;
      key.sealed_secret = sealer.seal(env_secret.reveal(), key.id);
    } else if (root_keys->empty()) {
      key.id = core::make_access_key_id(random, core::id_prefix::kAccessKey);
      generated_secret = core::Secret(core::make_secret_access_key(random));
      key.sealed_secret = sealer.seal(generated_secret.reveal(), key.id);
    } else {
      result.root_access_key_id = root_keys->front().id;
      return {};
    }
    result.root_access_key_id = key.id;
    return e.put_access_key(key);
  });
  if (!st) throw std::runtime_error("bootstrap failed: " + st.error().message);
  if (!generated_secret.empty()) {
    result.credentials_file = data_dir + "/root-credentials";
    write_credentials_file(result.credentials_file, result.root_access_key_id, generated_secret);
  }
  return result;
}

}  // namespace iamd::app
