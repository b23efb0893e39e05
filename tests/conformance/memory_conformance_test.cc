// The store conformance suite against the in-memory backend.

#include "store/memory/memory_store.h"
#include "store_conformance.h"

namespace iamd::store::conformance {
namespace {

INSTANTIATE_TEST_SUITE_P(Memory, StoreConformance,
                         testing::Values(StoreBackend{
                             "memory",
                             [](const std::filesystem::path&) -> std::unique_ptr<Store> {
                               return std::make_unique<MemoryStore>();
                             }}),
                         backend_name);

}  // namespace
}  // namespace iamd::store::conformance
