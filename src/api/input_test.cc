#include <gtest/gtest.h>

#include "api/input.h"

namespace iamd::api {
namespace {

ParamNode node_from(std::initializer_list<std::pair<std::string, std::string>> fields) {
  ParamNode root;
  for (const auto& [key, value] : fields) {
    ParamNode* n = &root;
    size_t start = 0;
    while (true) {
      size_t dot = key.find('.', start);
      n = &n->children[key.substr(start, dot - start)];
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    n->value = value;
  }
  return root;
}

bool name_chars(std::string_view s) {
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '+' || c == '=' || c == ',' || c == '.' || c == '@' || c == '-';
    if (!ok) return false;
  }
  return true;
}
constexpr StringRule kName{1, 64, "[\\w+=,.@-]+", name_chars};

TEST(InputTest, ReadsScalarsAndLists) {
  ParamNode root = node_from({{"UserName", "alice"},
                              {"Tags.member.2.Key", "b"},
                              {"Tags.member.2.Value", ""},
                              {"Tags.member.1.Key", "a"},
                              {"Tags.member.1.Value", "x"},
                              {"MaxItems", "5"}});
  Input in(root);
  EXPECT_EQ(in.required_string("UserName", kName), "alice");
  auto tags = in.list("Tags");
  ASSERT_EQ(tags.size(), 2u);
  EXPECT_EQ(tags[0].required_string("Key"), "a");
  EXPECT_EQ(tags[1].required_string("Value"), "");
  EXPECT_EQ(in.page().max_items, 5u);
  EXPECT_TRUE(in.finish());
}

TEST(InputTest, ValidationMessagesUseAwsWording) {
  ParamNode root = node_from({{"UserName", "bad name!"}});
  Input in(root);
  in.required_string("UserName", kName);
  in.required_string("GroupName", kName);
  auto st = in.finish();
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, core::ErrorCode::ValidationError);
  EXPECT_EQ(st.error().message,
            "2 validation errors detected: Value 'bad name!' at 'userName' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+; Value null "
            "at 'groupName' failed to satisfy constraint: Member must not be null");
}

TEST(InputTest, LengthRangeAndNestedPaths) {
  ParamNode root = node_from({{"UserName", std::string(65, 'a')},
                              {"Tags.member.1.Key", ""},
                              {"MaxItems", "0"}});
  Input in(root);
  in.required_string("UserName", kName);
  auto tags = in.list("Tags");
  tags[0].required_string("Key", StringRule{1, 128});
  in.page();
  auto st = in.finish();
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("3 validation errors detected: "), std::string::npos);
  EXPECT_NE(st.error().message.find("at 'userName' failed to satisfy constraint: Member must have "
                                    "length less than or equal to 64"),
            std::string::npos);
  EXPECT_NE(st.error().message.find("Value '' at 'tags.1.member.key' failed to satisfy constraint: "
                                    "Member must have length greater than or equal to 1"),
            std::string::npos);
  EXPECT_NE(st.error().message.find("Value '0' at 'maxItems' failed to satisfy constraint: Member "
                                    "must have value greater than or equal to 1"),
            std::string::npos);
}

TEST(InputTest, EnumsBooleansAndSecrets) {
  ParamNode root = node_from({{"Status", "Gone"}, {"Flag", "yes"}, {"Password", "x"}});
  Input in(root);
  in.optional_enum("Status", {"Active", "Inactive", "Expired"});
  in.optional_bool("Flag");
  in.optional_string("Password", StringRule{8, 128, {}, nullptr, true});
  auto st = in.finish();
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("Member must satisfy enum value set: [Active, Inactive, "
                                    "Expired]"),
            std::string::npos);
  EXPECT_EQ(st.error().message.find("'x'"), std::string::npos) << "secret echoed";
  EXPECT_NE(st.error().message.find("Value at 'password'"), std::string::npos);
}

TEST(InputTest, EmptyListValueIsEmptyList) {
  ParamNode root = node_from({{"TagKeys", ""}});
  Input in(root);
  EXPECT_TRUE(in.has_list("TagKeys"));
  EXPECT_TRUE(in.string_list("TagKeys").empty());
  EXPECT_TRUE(in.finish());
}

}  // namespace
}  // namespace iamd::api
