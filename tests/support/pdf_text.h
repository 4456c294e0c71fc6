// A PDF read back with poppler's pdftotext and pdfinfo (scripts/install-deps.sh test installs
// poppler-utils): an oracle independent of the cairo that wrote it. For the forms' tests.
#pragma once

#include <stdio.h>

#include <catch2/catch.hpp>
#include <string>

#include "support/temp_dir.h"

namespace tp::testing {

// The standard output of `command`; fails the test when it does not exit 0.
inline std::string RunCommand(const std::string& command) {
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  char buffer[4096];
  for (size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
  REQUIRE(::pclose(pipe) == 0);
  return out;
}

// Text without blanks and line ends: pdftotext breaks lines where the layout wrapped them.
inline std::string Squeezed(const std::string& text) {
  std::string out;
  for (char c : text)
    if (c != ' ' && c != '\n' && c != '\f' && c != '\t' && c != '\r') out.push_back(c);
  return out;
}

struct PdfText {
  std::string text;        // squeezed
  std::string pages_text;  // as pdftotext wrote it, pages separated by '\f'
  int pages = 0;
};

inline PdfText ReadPdf(const TempDir& dir, const std::string& pdf) {
  const std::string path = dir / "form.pdf";
  WriteFileBytes(path, pdf);
  PdfText out;
  // In the order drawn (-raw): pdftotext's reading order would merge the diagonal watermark's
  // words with those of the boxes it crosses.
  out.pages_text = RunCommand("pdftotext -raw -enc UTF-8 '" + path + "' -");
  out.text = Squeezed(out.pages_text);
  const std::string info = RunCommand("pdfinfo '" + path + "'");
  const size_t at = info.find("Pages:");
  REQUIRE(at != std::string::npos);
  out.pages = std::stoi(info.substr(at + 6));
  return out;
}

// Whether `phrase`, blanks aside, is in the squeezed text.
inline bool Has(const std::string& squeezed, const std::string& phrase) {
  return squeezed.find(Squeezed(phrase)) != std::string::npos;
}

}  // namespace tp::testing
