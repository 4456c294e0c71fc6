// QueryNode: the plan of a search, before it becomes a Xapian query (search_index_search.cc).
#include <string>
#include <utility>
#include <vector>

#include "indexer/query_builder.h"

namespace tp::indexer {

QueryNode QueryNode::Term(std::string term) {
  QueryNode n;
  n.op = Op::kTerm;
  n.term = std::move(term);
  return n;
}

QueryNode QueryNode::Wildcard(std::string prefix) {
  QueryNode n;
  n.op = Op::kWildcard;
  n.term = std::move(prefix);
  return n;
}

QueryNode QueryNode::Of(Op op, std::vector<QueryNode> children) {
  std::erase_if(children, [op](const QueryNode& c) {
    return c.op == Op::kNothing && (op == Op::kOr || op == Op::kAndMaybe);
  });
  if (children.empty()) return QueryNode();
  if (children.size() == 1 && op != Op::kAndMaybe) return std::move(children[0]);
  if (op == Op::kAndMaybe && children.size() == 1) return std::move(children[0]);
  QueryNode n;
  n.op = op;
  n.children = std::move(children);
  return n;
}

QueryNode QueryNode::Scale(QueryNode child, double factor) {
  if (child.op == Op::kNothing) return child;
  QueryNode n;
  n.op = Op::kScale;
  n.factor = factor;
  n.children.push_back(std::move(child));
  return n;
}

QueryNode QueryNode::Constant(QueryNode child, double weight) {
  if (child.op == Op::kNothing) return child;
  QueryNode n;
  n.op = Op::kConstant;
  n.factor = weight;
  n.children.push_back(std::move(child));
  return n;
}

QueryNode QueryNode::BirthRange(int from, int to) {
  QueryNode n;
  n.op = Op::kBirthRange;
  n.term = std::to_string(from) + ":" + std::to_string(to);
  return n;
}

std::string QueryNode::Describe() const {
  static constexpr const char* kNames[] = {"NOTHING", "ALL", "", "AND", "OR", "AND_MAYBE",
                                           "PHRASE",  "",    "", "",    "",   "AND_NOT"};
  switch (op) {
    case Op::kNothing:
    case Op::kAll: return kNames[static_cast<int>(op)];
    case Op::kTerm: return term;
    case Op::kWildcard: return term + "*";
    case Op::kBirthRange: return "BIRTH[" + term + "]";
    default: break;
  }
  std::string out;
  if (op == Op::kScale || op == Op::kConstant) {
    std::string f = std::to_string(factor);
    while (f.size() > 1 && f.back() == '0') f.pop_back();
    if (f.back() == '.') f.pop_back();
    out = f + (op == Op::kScale ? "*" : "#");
  } else {
    out = kNames[static_cast<int>(op)];
  }
  out.push_back('(');
  for (size_t i = 0; i < children.size(); ++i) {
    if (i > 0) out.append(", ");
    out.append(children[i].Describe());
  }
  out.push_back(')');
  return out;
}

void QueryNode::CollectTerms(std::vector<std::string>& out) const {
  if (op == Op::kTerm || op == Op::kWildcard) out.push_back(op == Op::kTerm ? term : term + "*");
  for (const QueryNode& c : children) c.CollectTerms(out);
}

}  // namespace tp::indexer
