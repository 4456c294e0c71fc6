// Dictionary words in runs of Han characters, from ICU's word BreakIterator (its CJK dictionary):
// 杂交水稻育种 gives 杂交, 水稻, 育种. The words only rank (a query's whole words matching a
// text's whole words count more than the same characters split across words); recall comes
// from the character pairs. Words of one character are left out: the pairs cover them. Never
// fails: when ICU cannot open its iterator, no words are found. Not thread-safe: one per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace tp::indexer {

struct WordSpan {
  uint32_t first = 0;   // index of the word's first character in the run
  uint32_t length = 0;  // characters, at least 2
};

class WordBreaker {
 public:
  WordBreaker();
  ~WordBreaker();
  WordBreaker(const WordBreaker&) = delete;
  WordBreaker& operator=(const WordBreaker&) = delete;

  // Replaces `out` with the words of two characters or more in `run`, one Han character per
  // element, in order.
  void Words(std::span<const char32_t> run, std::vector<WordSpan>& out);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tp::indexer
