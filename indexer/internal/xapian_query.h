// The query plan (query_builder.h) as Xapian runs it, and what can be told of a plan before
// running it. Internal to indexer/, as Xapian's types are.
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

// The share of the index `node` is expected to match, from its terms' frequencies as if they
// fell on people independently (as Xapian estimates): 1 for a part whose share cannot be known
// without matching.
double ExpectedShare(const Xapian::Database& db, const QueryNode& node);

// Whether any match of `node` can weigh more than nothing. A query that cannot (男, 80后, an empty
// one) is boolean: its match stops at the page, and its count is exact.
bool Weighs(const QueryNode& node);

}  // namespace tp::indexer
