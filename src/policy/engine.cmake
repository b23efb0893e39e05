# The policy engine (compile, conditions, variables, evaluate, explain): std + iamd_core only
# (DESIGN.md principle 2). Included from src/policy/CMakeLists.txt; paths are relative to this file
# so the includer's directory does not matter.
set(_iamd_policy_dir ${CMAKE_CURRENT_LIST_DIR})

iamd_module(policy
  SOURCES
    ${_iamd_policy_dir}/context.cc
    ${_iamd_policy_dir}/glob.cc
    ${_iamd_policy_dir}/variables.cc
    ${_iamd_policy_dir}/compile.cc
    ${_iamd_policy_dir}/evaluate.cc
    ${_iamd_policy_dir}/explain.cc
    ${_iamd_policy_dir}/conditions/registry.cc
    ${_iamd_policy_dir}/conditions/string.cc
    ${_iamd_policy_dir}/conditions/numeric.cc
    ${_iamd_policy_dir}/conditions/date.cc
    ${_iamd_policy_dir}/conditions/bool.cc
    ${_iamd_policy_dir}/conditions/binary.cc
    ${_iamd_policy_dir}/conditions/ip.cc
    ${_iamd_policy_dir}/conditions/arn.cc
    ${_iamd_policy_dir}/conditions/null.cc
  DEPS iamd_core)

iamd_unit_test(policy_test
  SOURCES
    ${_iamd_policy_dir}/glob_test.cc
    ${_iamd_policy_dir}/variables_test.cc
    ${_iamd_policy_dir}/conditions_test.cc
    ${_iamd_policy_dir}/compile_test.cc
    ${_iamd_policy_dir}/evaluate_test.cc
    ${_iamd_policy_dir}/explain_test.cc
  DEPS iamd_policy)
