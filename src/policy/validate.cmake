# Policy validation and the action table (std + core only), and the test binary for validation
# and the JSON adapter. Included from src/policy/CMakeLists.txt, next to add_subdirectory(json).
iamd_module(policy_validate
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/actions.cc
    ${CMAKE_CURRENT_LIST_DIR}/validate.cc
    ${CMAKE_CURRENT_LIST_DIR}/validate_actions.cc
    ${CMAKE_CURRENT_LIST_DIR}/validate_conditions.cc
    ${CMAKE_CURRENT_LIST_DIR}/validate_principals.cc
    ${CMAKE_CURRENT_LIST_DIR}/validate_resources.cc
    ${CMAKE_CURRENT_LIST_DIR}/validate_values.cc
  DEPS iamd_core)

iamd_unit_test(policy_parse_test
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/validate_test.cc
    ${CMAKE_CURRENT_LIST_DIR}/json/parse_test.cc
  DEPS iamd_policy_json iamd_policy_validate)
