#include "policy/actions.h"

#include <algorithm>
#include <string>
#include <vector>

namespace iamd::policy {
namespace {

struct Row {
  std::string_view service;
  std::string_view name;
  AccessLevel level;
  std::string_view resource_types;
};

constexpr Row kRows[] = {
#define X(service, action, level, resources) {#service, #action, AccessLevel::level, resources},
#include "policy/actions.def"
#undef X
};

// Services whose table in actions.def is a subset: a missing action there is not evidence of a
// typo, so `check` does not warn about it.
constexpr std::string_view kPartialServices[] = {"ec2"};

// Other AWS service prefixes (Service Authorization Reference) that policies commonly name. iamd
// does not list their actions; knowing the prefix only keeps `check` from calling it unknown.
constexpr std::string_view kOtherServices[] = {
    "a4b", "access-analyzer", "account", "acm", "acm-pca", "airflow", "amplify", "aoss",
    "apigateway", "app-integrations", "appconfig", "appflow", "application-autoscaling",
    "applicationinsights", "appmesh", "apprunner", "appstream", "appsync", "aps", "artifact",
    "athena", "auditmanager", "autoscaling", "autoscaling-plans", "aws-marketplace", "aws-portal",
    "backup", "backup-storage", "batch", "bedrock", "billing", "billingconductor", "budgets",
    "ce", "chatbot", "chime", "cleanrooms", "cloud9", "clouddirectory", "cloudformation",
    "cloudfront", "cloudhsm", "cloudsearch", "cloudshell", "cloudwatch", "codeartifact",
    "codebuild", "codecatalyst", "codecommit", "codedeploy", "codeguru", "codeguru-profiler",
    "codeguru-reviewer", "codepipeline", "codestar", "codestar-connections",
    "codestar-notifications", "cognito-identity", "cognito-idp", "cognito-sync", "comprehend",
    "compute-optimizer", "config", "connect", "consolidatedbilling", "cur", "databrew",
    "dataexchange", "datapipeline", "datasync", "datazone", "dax", "detective", "devicefarm",
    "devops-guru", "directconnect", "discovery", "dlm", "dms", "docdb-elastic", "ds", "dynamodb",
    "ebs", "ecr", "ecr-public", "ecs", "eks", "elasticache", "elasticbeanstalk",
    "elasticfilesystem", "elasticloadbalancing", "elasticmapreduce", "elastictranscoder",
    "emr-containers", "emr-serverless", "es", "events", "execute-api", "firehose", "fis", "fms",
    "forecast", "freetier", "fsx", "gamelift", "geo", "glacier", "globalaccelerator", "glue",
    "grafana", "greengrass", "groundstation", "guardduty", "health", "healthlake", "identitystore",
    "imagebuilder", "importexport", "inspector", "inspector2", "invoicing", "iot", "iotanalytics",
    "iotevents", "iotsitewise", "iottwinmaker", "iq", "ivs", "kafka", "kafka-cluster", "kendra",
    "kinesis", "kinesisanalytics", "kinesisvideo", "kms", "lakeformation", "lambda", "lex",
    "license-manager", "lightsail", "logs", "lookoutequipment", "lookoutmetrics", "lookoutvision",
    "m2", "machinelearning", "macie2", "managedblockchain", "mediaconnect", "mediaconvert",
    "medialive", "mediapackage", "mediastore", "mediatailor", "memorydb", "mgn", "mobiletargeting",
    "mq", "neptune-db", "network-firewall", "networkmanager", "notifications", "oam", "omics",
    "opsworks", "opsworks-cm", "outposts", "payments", "personalize", "pi",
    "pipes", "polly", "pricing", "proton", "purchase-orders", "q", "qbusiness", "qldb",
    "quicksight", "ram", "rbin", "rds", "rds-data", "rds-db", "redshift", "redshift-data",
    "redshift-serverless", "rekognition", "resiliencehub", "resource-explorer-2",
    "resource-groups", "robomaker", "rolesanywhere", "route53", "route53domains",
    "route53resolver", "rum", "s3", "s3-object-lambda", "s3-outposts", "s3express", "sagemaker",
    "savingsplans", "scheduler", "schemas", "sdb", "secretsmanager", "securityhub", "securitylake",
    "serverlessrepo", "servicecatalog", "servicediscovery", "servicequotas", "ses", "shield",
    "signer", "sms", "sms-voice", "snow-device-management", "snowball", "sns", "sqlworkbench",
    "sqs", "ssm", "ssm-contacts", "ssm-guiconnect", "ssm-incidents", "ssmmessages", "sso",
    "sso-directory", "sso-oauth", "states", "storagegateway", "support", "supportplans", "swf",
    "synthetics", "tag", "tax", "textract", "timestream", "tnb", "transcribe", "transfer",
    "translate", "trustedadvisor", "vpc-lattice", "waf", "waf-regional", "wafv2",
    "wellarchitected", "workdocs", "worklink", "workmail", "workspaces", "workspaces-web", "xray",
};

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// The table with lower-case keys, built once. INVARIANT: `keys` is never modified after the
// views in `infos` are taken.
struct Table {
  std::string keys;
  std::vector<ActionInfo> infos;                    // table order
  std::vector<const ActionInfo*> by_key;            // sorted by key

  Table() {
    std::size_t total = 0;
    for (const Row& r : kRows) total += r.service.size() + 1 + r.name.size();
    keys.reserve(total);
    for (const Row& r : kRows) {
      for (char c : r.service) keys.push_back(lower(c));
      keys.push_back(':');
      for (char c : r.name) keys.push_back(lower(c));
    }
    std::size_t at = 0;
    infos.reserve(std::size(kRows));
    for (const Row& r : kRows) {
      std::size_t len = r.service.size() + 1 + r.name.size();
      infos.push_back({r.service, r.name, r.level, r.resource_types,
                       std::string_view(keys).substr(at, len)});
      at += len;
    }
    for (const ActionInfo& info : infos) by_key.push_back(&info);
    std::sort(by_key.begin(), by_key.end(),
              [](const ActionInfo* a, const ActionInfo* b) { return a->key < b->key; });
  }
};

const Table& table() {
  static const Table t;
  return t;
}

}  // namespace

std::string_view access_level_name(AccessLevel level) {
  switch (level) {
    case AccessLevel::List: return "List";
    case AccessLevel::Read: return "Read";
    case AccessLevel::Write: return "Write";
    case AccessLevel::PermissionsManagement: return "Permissions management";
    case AccessLevel::Tagging: return "Tagging";
  }
  return "";
}

bool is_known_service(std::string_view prefix) {
  if (!actions_of(prefix).empty()) return true;
  return std::any_of(std::begin(kOtherServices), std::end(kOtherServices),
                     [&](std::string_view s) { return iequal(s, prefix); });
}

bool has_complete_action_table(std::string_view prefix) {
  if (actions_of(prefix).empty()) return false;
  return std::none_of(std::begin(kPartialServices), std::end(kPartialServices),
                      [&](std::string_view s) { return iequal(s, prefix); });
}

const ActionInfo* find_action(std::string_view lower_key) {
  const auto& by_key = table().by_key;
  auto it = std::lower_bound(by_key.begin(), by_key.end(), lower_key,
                             [](const ActionInfo* a, std::string_view k) { return a->key < k; });
  return (it != by_key.end() && (*it)->key == lower_key) ? *it : nullptr;
}

std::span<const ActionInfo> actions_of(std::string_view prefix) {
  // Rows of one service are contiguous in actions.def.
  const auto& infos = table().infos;
  auto first = std::find_if(infos.begin(), infos.end(),
                            [&](const ActionInfo& a) { return iequal(a.service, prefix); });
  auto last = std::find_if(first, infos.end(),
                           [&](const ActionInfo& a) { return !iequal(a.service, prefix); });
  return {infos.data() + (first - infos.begin()), static_cast<std::size_t>(last - first)};
}

std::span<const ActionInfo> all_actions() { return table().infos; }

bool action_glob_match(std::string_view pattern, std::string_view text) {
  // Greedy matching with one backtrack point: linear in practice, O(n*m) worst case.
  std::size_t p = 0, t = 0, star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || lower(pattern[p]) == lower(text[t]))) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace iamd::policy
