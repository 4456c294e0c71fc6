// The query plan (query_builder.h) as Xapian runs it. Internal to indexer/, as Xapian's types
// are.
#pragma once

#include <xapian.h>

#include "indexer/query_builder.h"

namespace tp::indexer {

// The people born from `from` to `to` (YYYYMMDD, both included), weighing nothing.
Xapian::Query BornBetween(int from, int to);

// The plan's node as a Xapian query: phrases over a name led by the name's pairs, constant
// weights through posting sources (match_parts.h).
Xapian::Query ToXapian(const QueryNode& node);

// The matches of `node` without what only weighs them: the optional side of AND_MAYBE, scales
// and constant weights. Counting needs no more, and these are most of a text word's query.
QueryNode Unweighted(const QueryNode& node);

}  // namespace tp::indexer
