// Downloads of what the pages show (api_service.h): search results and the dashboard's charts
// as XLSX workbooks, in the caller's scope, each audited as an export.
#include "api/internal/api_service_impl.h"
#include "registry/import/person_export.h"
#include "registry/tables/xlsx_writer.h"

namespace tp::api {
namespace {

constexpr const char* kXlsxType =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

constexpr int kSearchExportPage = 100;  // the index's largest page

void SendXlsx(HttpResponse& res, std::string bytes, const std::string& filename) {
  res.status = 200;
  res.content_type = kXlsxType;
  res.SetHeader("Content-Disposition", "attachment; filename=\"" + filename + "\"");
  res.SetHeader("Cache-Control", "no-store");
  res.body = std::move(bytes);
}

// One chart of the dashboard: its key (?chart=), its title and its rows (label, count).
struct Chart {
  std::string key;
  std::string title;
  std::vector<std::pair<std::string, int64_t>> rows;
};

void ByCountDescending(std::vector<std::pair<std::string, int64_t>>& rows) {
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
}

std::vector<std::pair<std::string, int64_t>> Facet(const indexer::SearchResult& result,
                                                   const std::string& name) {
  std::vector<std::pair<std::string, int64_t>> rows;
  for (const auto& [facet, values] : result.facets) {
    if (facet != name) continue;
    for (const indexer::FacetValue& v : values) rows.emplace_back(v.value, v.count);
  }
  return rows;
}

std::vector<std::pair<std::string, int64_t>> Years(std::vector<std::pair<std::string, int64_t>> v) {
  std::sort(v.begin(), v.end());
  for (auto& [year, n] : v) {
    if (!year.empty() && year != "未填") year += "年";
    if (year.empty()) year = "未填";
  }
  return v;
}

Status WriteChart(registry::XlsxWriter& w, const Chart& chart) {
  TP_RETURN_IF_ERROR(w.AddSheet(chart.title));
  TP_RETURN_IF_ERROR(w.WriteHeader({"类别", "人数", "占比"}));
  int64_t total = 0;
  for (const auto& [label, n] : chart.rows) total += n;
  for (const auto& [label, n] : chart.rows) {
    char share[32] = "—";
    if (total > 0) std::snprintf(share, sizeof share, "%.1f%%", 100.0 * n / total);
    TP_RETURN_IF_ERROR(w.WriteRow({label.empty() ? "未填" : label, std::to_string(n), share}));
  }
  return w.WriteRow({"合计", std::to_string(total), total > 0 ? "100.0%" : "—"});
}

}  // namespace

void ApiService::Impl::SearchXlsx(const ApiCall& call, HttpResponse& res) {
  const Caller& c = *call.caller;
  int page = 1;
  auto adjust = [&page](indexer::SearchRequest& r) {
    r.page = page;
    r.size = kSearchExportPage;
    r.facets = false;
  };
  auto first = RunSearch(call, adjust);
  if (!first.ok()) return res.SetError(first.status());
  if (first->total > options.search_export_limit) {
    return res.SetError(RuleViolated(
        "检索结果共 " + std::to_string(first->total) + " 人，超过导出上限 " +
        std::to_string(options.search_export_limit) + " 人：请加检索词或筛选条件缩小范围后再导出"));
  }
  std::vector<indexer::SearchHit> hits = std::move(first->hits);
  const bool partial = first->partial;
  while (static_cast<int64_t>(hits.size()) < first->total) {
    ++page;
    auto more = RunSearch(call, adjust);
    if (!more.ok()) return res.SetError(more.status());
    if (more->hits.empty()) break;
    for (auto& hit : more->hits) hits.push_back(std::move(hit));
  }
  indexer::SearchResult all;
  all.hits = std::move(hits);
  MaskSearchResult(all, c);
  const bool ethnic = c.SeesSensitiveAttributes();
  auto bytes = registry::WriteXlsxToBytes([&](registry::XlsxWriter& w) -> Status {
    TP_RETURN_IF_ERROR(w.AddSheet("检索结果"));
    std::vector<std::string> header = {"编号", "姓名", "性别", "出生年月"};
    if (ethnic) header.push_back("民族");
    for (const char* h :
         {"工作单位", "职务", "职称", "人才类别", "入库年度", "参加过培训", "省份", "推荐单位"}) {
      header.push_back(h);
    }
    TP_RETURN_IF_ERROR(w.WriteHeader(header));
    for (const indexer::SearchHit& h : all.hits) {
      const std::string* province = reference.ProvinceName(h.province);
      std::vector<std::string> row = {h.id, h.name, h.gender, h.birth_date};
      if (ethnic) row.push_back(h.ethnic_group.value_or(""));
      row.insert(row.end(),
                 {h.unit, h.post, h.title, h.tier,
                  h.admission_year > 0 ? std::to_string(h.admission_year) : "",
                  h.trained ? "是" : "否", province ? *province : h.province, h.recommending_unit});
      TP_RETURN_IF_ERROR(w.WriteRow(row));
    }
    return Status::Ok();
  });
  if (!bytes.ok()) return res.SetError(bytes.status());
  Json filters = Json::object();
  for (const auto& [name, value] : call.request.query) {
    if (name == "page" || name == "size" || name == "q") continue;
    filters[name].push_back(value);
  }
  // The query itself may be an ID number or a phone: the audit entry counts it, never keeps it.
  const std::string q = call.request.Query("q").value_or("");
  Status logged = Audit(call, "export", "search", "",
                        {{"rows", all.hits.size()},
                         {"query_chars", q.size()},
                         {"filters", std::move(filters)},
                         {"partial", partial}});
  if (!logged.ok()) return res.SetError(logged);
  SendXlsx(res, std::move(*bytes), "search.xlsx");
}

void ApiService::Impl::StatsXlsx(const ApiCall& call, HttpResponse& res) {
  const Caller& c = *call.caller;
  const std::string wanted = call.request.Query("chart").value_or("");
  // The facets of an empty search in the caller's scope, as the dashboard reads them.
  if (index == nullptr) return res.SetError(Unavailable("检索服务暂不可用"));
  indexer::SearchRequest everyone;
  everyone.size = 1;
  everyone.facets = true;
  if (Status s = ScopeSearch(everyone, c); !s.ok()) return res.SetError(s);
  auto facets = c.role == Role::kUnit ? SearchWithinUnit(everyone, c) : index->Search(everyone);
  if (!facets.ok()) return res.SetError(facets.status());
  MaskSearchResult(*facets, c);

  std::vector<Chart> charts;
  auto ages = Facet(*facets, "age_band");
  std::stable_sort(ages.begin(), ages.end(), [](const auto& a, const auto& b) {
    auto rank = [](const std::string& v) {
      return std::find(std::begin(indexer::kAgeBands), std::end(indexer::kAgeBands), v) -
             std::begin(indexer::kAgeBands);
    };
    return rank(a.first) < rank(b.first);
  });
  auto ethnic = Facet(*facets, "ethnic_group");
  ByCountDescending(ethnic);
  if (c.role == Role::kStaff) {
    auto s = store.Stats();
    if (!s.ok()) return res.SetError(s.status());
    auto provinces = s->by_province;
    for (auto& [code, n] : provinces) {
      const std::string* name = reference.ProvinceName(code);
      code = name ? *name : (code.empty() ? "未填" : code);
    }
    ByCountDescending(provinces);
    auto unit_types = s->by_unit_type;
    ByCountDescending(unit_types);
    charts.push_back({"province", "各省份入库人数", provinces});
    charts.push_back({"unit-type", "按推荐单位类型", unit_types});
    charts.push_back({"ethnic", "按民族", ethnic});
    charts.push_back({"age", "按年龄段", ages});
    charts.push_back({"gender", "按性别", Facet(*facets, "gender")});
    charts.push_back({"tier", "按人才类别", s->by_tier});
    charts.push_back({"year", "按入库年度", Years(s->by_year)});
    charts.push_back({"trained-year", "各年度参训人次", Years(s->attended_by_year)});
  } else {
    auto s = queries->Stats(c.Scope());
    if (!s.ok()) return res.SetError(s.status());
    auto unit_types = Facet(*facets, "unit_type");
    ByCountDescending(unit_types);
    charts.push_back({"unit-type", "按推荐单位类型", unit_types});
    if (c.SeesSensitiveAttributes()) charts.push_back({"ethnic", "按民族", ethnic});
    charts.push_back({"age", "按年龄段", ages});
    charts.push_back({"gender", "按性别", Facet(*facets, "gender")});
    charts.push_back({"tier", "按人才类别", s->by_tier});
    charts.push_back({"year", "按入库年度", Years(s->by_year)});
  }
  if (!wanted.empty()) {
    std::erase_if(charts, [&](const Chart& chart) { return chart.key != wanted; });
    if (charts.empty()) {
      return res.SetError(
          BadField("chart",
                   "没有这个图表；可用 province、unit-type、ethnic、age、gender、tier、year、"
                   "trained-year（省级只有本省可见的图表），省略则导出全部"));
    }
  }
  auto bytes = registry::WriteXlsxToBytes([&](registry::XlsxWriter& w) -> Status {
    for (const Chart& chart : charts) TP_RETURN_IF_ERROR(WriteChart(w, chart));
    return Status::Ok();
  });
  if (!bytes.ok()) return res.SetError(bytes.status());
  Status logged =
      Audit(call, "export", "stats", wanted.empty() ? "all" : wanted, {{"charts", charts.size()}});
  if (!logged.ok()) return res.SetError(logged);
  SendXlsx(res, std::move(*bytes),
           "stats-" + (wanted.empty() ? std::string("all") : wanted) + ".xlsx");
}

void ApiService::Impl::PersonsXlsx(const ApiCall& call, HttpResponse& res) {
  auto reveal = RevealOf(call.request);
  if (!reveal.ok()) return res.SetError(reveal.status());
  registry::PersonExportOptions options;
  options.reveal_id_number = reveal->id_number;
  options.reveal_phone = reveal->phone;
  long persons = 0;
  auto bytes = registry::WriteXlsxToBytes([&](registry::XlsxWriter& w) -> Status {
    TP_ASSIGN_OR_RETURN(auto report, registry::WritePersonExport(store, reference, w, options));
    persons = report.persons;
    return Status::Ok();
  });
  if (!bytes.ok()) return res.SetError(bytes.status());
  Json revealed = Json::array();
  if (reveal->id_number) revealed.push_back("id_number");
  if (reveal->phone) revealed.push_back("phone");
  // A revealing export is both: the whole numbers of every person leave the registry.
  Status logged = Audit(call, reveal->any() ? "reveal" : "export", "persons", "",
                        {{"rows", persons}, {"fields", std::move(revealed)}});
  if (!logged.ok()) return res.SetError(logged);
  SendXlsx(res, std::move(*bytes), "persons.xlsx");
}

}  // namespace tp::api
