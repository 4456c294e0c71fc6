// The HTTP routes of honour campaigns after the recommendation (registry/campaigns/): for staff,
// a round's campaign at a glance (channels, candidates and what they lack, stages, the 公示), the
// review stages with their experts, ranking and closing, and the 公示 with its objections and
// publishing; for experts (role expert), their stages, their queue, one candidate at a time with
// the 推荐表 and attachments (never the ID number or phone), and their scores. Every read of a
// candidate's form or file by an expert is audited as a read of personal data.
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/api_service.h"
#include "registry/base/status.h"
#include "registry/rounds/honour_forms.h"
#include "registry/rounds/rounds.h"
#include "registry/rounds/workflow.h"
#include "registry/store/store.h"

namespace tp::api {

struct CampaignRouteOptions {
  std::size_t max_json_body_bytes = 64 * 1024;
  std::function<void()> after_write;  // publishing writes honours into search documents
  // Records a read of personal data; null: not recorded.
  std::function<Status(const ApiCall&, const std::string& action, const std::string& object_type,
                       const std::string& object_id, const nlohmann::json& detail)>
      audit;
  // The 推荐表 an expert reads beside the person's fields; null: none shown.
  std::shared_ptr<registry::HonourForms> honour_forms = {};
};

// Appends the routes. `rounds` and `workflow` must live as long as `keep`, which the routes hold.
// Fails when data/reviews.json, data/workdays.tsv or data/attachments.json is wrong.
Status AddCampaignRoutes(registry::Store& store, registry::Rounds& rounds,
                         registry::Workflow& workflow, std::shared_ptr<void> keep,
                         const CampaignRouteOptions& options, std::vector<RouteSpec>* routes);

// The routes of honour rounds: their 推荐表 (honour_form_routes.h; opening the forms registers
// their check on the workflow's submissions) and then their review and 公示, which show experts
// the forms. `options.honour_forms`, when not given, is opened here.
Status AddHonourRoutes(registry::Store& store, registry::Rounds& rounds,
                       registry::Workflow& workflow, std::shared_ptr<void> keep,
                       CampaignRouteOptions options, std::vector<RouteSpec>* routes);

// The components/schemas entries the routes name, as a JSON object's text.
std::string CampaignOpenApiSchemas();

}  // namespace tp::api
