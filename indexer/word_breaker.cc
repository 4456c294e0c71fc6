#include "indexer/word_breaker.h"

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/utext.h>

#include <mutex>
#include <string>

namespace tp::indexer {
namespace {

// Creating a word iterator loads and compiles rules; cloning a ready one is much cheaper.
const icu::BreakIterator* Prototype() {
  static std::once_flag once;
  static std::unique_ptr<icu::BreakIterator> prototype;
  std::call_once(once, [] {
    UErrorCode status = U_ZERO_ERROR;
    prototype.reset(
        icu::BreakIterator::createWordInstance(icu::Locale::getSimplifiedChinese(), status));
    if (U_FAILURE(status)) prototype.reset();
  });
  return prototype.get();
}

}  // namespace

class WordBreaker::Impl {
 public:
  Impl() {
    if (const icu::BreakIterator* prototype = Prototype()) iterator_.reset(prototype->clone());
  }
  ~Impl() { utext_close(&text_); }

  void Words(std::span<const char32_t> run, std::vector<WordSpan>& out) {
    out.clear();
    if (!iterator_ || run.size() < 2) return;
    // UTF-16 for ICU, with the character index of each code unit.
    units_.clear();
    char_of_unit_.clear();
    for (size_t i = 0; i < run.size(); ++i) {
      const char32_t cp = run[i];
      if (cp >= 0x10000) {
        units_.push_back(static_cast<char16_t>(0xD800 + ((cp - 0x10000) >> 10)));
        units_.push_back(static_cast<char16_t>(0xDC00 + ((cp - 0x10000) & 0x3FF)));
        char_of_unit_.push_back(static_cast<uint32_t>(i));
        char_of_unit_.push_back(static_cast<uint32_t>(i));
      } else {
        units_.push_back(static_cast<char16_t>(cp));
        char_of_unit_.push_back(static_cast<uint32_t>(i));
      }
    }
    char_of_unit_.push_back(static_cast<uint32_t>(run.size()));
    UErrorCode status = U_ZERO_ERROR;
    utext_openUChars(&text_, units_.data(), static_cast<int64_t>(units_.size()), &status);
    if (U_FAILURE(status)) return;
    iterator_->setText(&text_, status);
    if (U_FAILURE(status)) return;
    int32_t start = iterator_->first();
    for (int32_t end = iterator_->next(); end != icu::BreakIterator::DONE;
         start = end, end = iterator_->next()) {
      const uint32_t first = char_of_unit_[static_cast<size_t>(start)];
      const uint32_t last = char_of_unit_[static_cast<size_t>(end)];
      if (last - first >= 2) out.push_back({first, last - first});
    }
  }

 private:
  std::unique_ptr<icu::BreakIterator> iterator_;
  UText text_ = UTEXT_INITIALIZER;
  std::u16string units_;
  std::vector<uint32_t> char_of_unit_;
};

WordBreaker::WordBreaker() : impl_(std::make_unique<Impl>()) {}
WordBreaker::~WordBreaker() = default;

void WordBreaker::Words(std::span<const char32_t> run, std::vector<WordSpan>& out) {
  impl_->Words(run, out);
}

}  // namespace tp::indexer
