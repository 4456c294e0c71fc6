#include "indexer/store_change_source.h"

#include <catch2/catch.hpp>

#include "index_test_support.h"
#include "indexer/search_index.h"
#include "registry/store/store.h"

namespace tp::indexer {
namespace {

registry::Person NewPerson(const std::string& name, const std::string& id_number,
                           const std::string& unit) {
  registry::Person p;
  p.name = name;
  p.gender = "男";
  p.birth_date =
      id_number.substr(6, 4) + "-" + id_number.substr(10, 2) + "-" + id_number.substr(12, 2);
  p.ethnic_group = "壮族";
  p.id_number = id_number;
  p.unit_name = unit;
  p.title = "研究员";
  p.province = "45";
  p.recommending_unit = "广西壮族自治区科学技术协会";
  p.recommending_unit_type = "provincial_association";
  p.tier = "领军人才";
  p.admission_year = 2024;
  return p;
}

TEST_CASE(
    "StoreChangeSource: the index follows the registry's change log and resolves ID numbers "
    "through its keyed hash",
    "[index][store]") {
  testing::TempDir dir;
  auto store = registry::Store::Create(dir.path() + "/registry");
  REQUIRE(store.ok());
  {
    auto batch = (*store)->BeginWrite();
    REQUIRE(batch.ok());
    auto a = NewPerson("韦国清", "450102197003070017", "广西农业科学院");
    auto b = NewPerson("覃秀英", "45010219850512002X", "广西大学");
    REQUIRE((*batch)->UpsertPerson(&a).ok());
    REQUIRE((*batch)->UpsertPerson(&b).ok());
    REQUIRE((*batch)->Commit().ok());
  }
  StoreChangeSource source(**store);
  auto index = SearchIndex::Open((*store)->IndexDir());
  REQUIRE(index.ok());
  auto stats = (*index)->CatchUp(source);
  REQUIRE(stats.ok());
  CHECK(stats->written == 2);
  CHECK(stats->last_seq == (*store)->LastSeq().value());
  CHECK((*index)->Info()->registry_id == (*store)->RegistryId());

  SearchRequest request;
  request.facets = false;
  request.resolve_id = StoreIdResolver(**store);
  request.query = "４５０１０２１９８５０５１２００２ｘ";
  auto by_id = (*index)->Search(request);
  REQUIRE(by_id.ok());
  CHECK(testing::Names(*by_id) == std::vector<std::string>{"覃秀英"});
  request.query = "450102700307001";  // the legacy 15-digit form of 韦国清's number
  CHECK(testing::Names(*(*index)->Search(request)) == std::vector<std::string>{"韦国清"});
  request.query = "qinxiuying";
  CHECK(testing::Names(*(*index)->Search(request)) == std::vector<std::string>{"覃秀英"});
  request.query = "450102";  // part of an ID number is not searchable text
  CHECK((*index)->Search(request)->hits.empty());

  // An update in the registry reaches the index at the next catch-up.
  {
    auto batch = (*store)->BeginWrite();
    REQUIRE(batch.ok());
    auto moved = NewPerson("覃秀英", "45010219850512002X", "桂林电子科技大学");
    REQUIRE((*batch)->UpsertPerson(&moved).ok());
    REQUIRE((*batch)->Commit().ok());
  }
  REQUIRE((*index)->CatchUp(source).ok());
  request.query = "桂林电子科技大学";
  CHECK(testing::Names(*(*index)->Search(request)) == std::vector<std::string>{"覃秀英"});
  request.query = "单位:广西大学";
  CHECK((*index)->Search(request)->hits.empty());
}

}  // namespace
}  // namespace tp::indexer
