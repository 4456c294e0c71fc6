// Writing XLSX workbooks that staff open in Excel or WPS: exports of the
// registry, and copies of uploaded sheets with the faulty cells marked.
//
// Every cell is written as text, so 身份证号, phone numbers and 编号 keep
// their digits and leading zeros, unless its column was declared numeric. The header row is bold
// and stays in view when scrolling; column widths follow the header and the first rows, with
// Chinese characters counted twice as wide as Latin ones.
//
// Failures (the file cannot be created, a sheet name is taken, Excel's row or
// column limits) come back as a Status; nothing throws. A writer destroyed
// without Close() removes its unfinished file.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "registry/base/status.h"

namespace tp::registry {

// How a sheet prints: the office prints rosters and sign-in sheets as they come.
struct XlsxPrintSetup {
  bool a4_landscape = false;     // A4 paper, landscape
  bool fit_to_width = false;     // scaled to one page wide, as many pages tall as it takes
  bool repeat_header = false;    // the header row again at the top of every printed page
  bool print_gridlines = false;  // cell borders on paper, for a sheet filled in by hand
};

struct XlsxWriterOptions {
  // Rows go to a temporary file as they are written, so memory stays flat
  // however long the export; strings are then stored inline in each cell.
  bool constant_memory = false;
};

class XlsxWriter {
 public:
  // Creates (or truncates) the workbook at `path`; fails at once when the
  // file cannot be written there.
  static StatusOr<std::unique_ptr<XlsxWriter>> Create(const std::string& path,
                                                      XlsxWriterOptions options = {});
  ~XlsxWriter();
  XlsxWriter(const XlsxWriter&) = delete;
  XlsxWriter& operator=(const XlsxWriter&) = delete;

  // Starts a sheet; the rows written next go to it. Characters Excel refuses
  // in a sheet name ([]:*?/\) become "_" and the name is cut to 31
  // characters; a name already used fails.
  Status AddSheet(std::string_view name);

  // Lines above the header (an event's title, its dates and place), each
  // merged across the header's columns, the first one large and bold. Given
  // before WriteHeader, which writes them; fails once the header is written.
  Status SetTitle(const std::vector<std::string>& lines);

  // Columns of the current sheet whose cells are written as numbers when
  // they read as one ("12", "3.5"), so Excel sorts and sums them; other
  // text in those columns stays text. Every other column is text.
  Status SetNumberColumns(const std::vector<std::size_t>& columns);

  // How the current sheet prints (see XlsxPrintSetup).
  Status SetPrintSetup(const XlsxPrintSetup& setup);

  // The header row, bold and frozen, with filter buttons: the sheet's first
  // row, or the first below the title. Starts a sheet named "Sheet1" when
  // none has been added yet.
  Status WriteHeader(const std::vector<std::string>& cells);

  // The next row. The cells at the column indexes in `marked` get a light
  // red fill, as Excel marks bad values. Text longer than Excel's 32767
  // characters per cell is cut there; ill-formed UTF-8 is replaced by U+FFFD.
  Status WriteRow(const std::vector<std::string>& cells,
                  const std::vector<std::size_t>& marked = {});

  // Writes out the workbook. Nothing may be written after it.
  Status Close();

 private:
  struct Impl;
  explicit XlsxWriter(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
};

// A workbook built in memory, for a download: `fill` writes the sheets (it
// need not Close), and the bytes of the finished file are returned.
StatusOr<std::string> WriteXlsxToBytes(const std::function<Status(XlsxWriter&)>& fill,
                                       XlsxWriterOptions options = {});

}  // namespace tp::registry
