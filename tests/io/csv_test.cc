#include "retailcast/io/csv.h"

#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "retailcast/io/atomic_file.h"
#include "retailcast/io/ingest_report.h"
#include "test_util.h"

namespace retailcast::io {
namespace {

using testing::TempDir;

struct Rec {
  int64_t line;
  std::vector<std::string> fields;
  std::string raw;
  std::string error;
};

std::vector<Rec> ReadAllRecords(std::string_view text, CsvOptions opts = {}) {
  opts.has_header = false;
  CsvFile f = CsvFile::FromString(text);
  CsvReader r(f, opts);
  std::vector<Rec> out;
  CsvRecord rec;
  while (r.Next(&rec)) {
    Rec x{rec.line, {}, std::string(rec.raw), std::string(rec.error)};
    for (auto v : rec.fields) x.fields.emplace_back(v);
    out.push_back(std::move(x));
  }
  return out;
}

TEST(CsvReaderTest, LineEndingsLfCrlfCrOnly) {
  for (std::string eol : {"\n", "\r\n", "\r"}) {
    auto recs = ReadAllRecords("a,b" + eol + "1,2" + eol + "3,4" + eol);
    ASSERT_EQ(recs.size(), 3u) << "eol size " << eol.size();
    EXPECT_EQ(recs[2].line, 3);
    EXPECT_EQ(recs[2].fields, (std::vector<std::string>{"3", "4"}));
    EXPECT_EQ(recs[1].raw, "1,2");
  }
}

TEST(CsvReaderTest, LastLineWithoutTerminatorAndEmptyFields) {
  auto recs = ReadAllRecords("a,,c\n,,\nx");
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[0].fields, (std::vector<std::string>{"a", "", "c"}));
  EXPECT_EQ(recs[1].fields, (std::vector<std::string>{"", "", ""}));
  EXPECT_EQ(recs[2].fields, (std::vector<std::string>{"x"}));
}

TEST(CsvReaderTest, QuotedFieldsEscapesAndEmbeddedNewlines) {
  auto recs = ReadAllRecords(
      "\"a,b\",\"say \"\"hi\"\"\",plain\n\"multi\nline\r\nfield\",2,\"\"\nlast,row,here\n");
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[0].fields, (std::vector<std::string>{"a,b", "say \"hi\"", "plain"}));
  EXPECT_EQ(recs[1].line, 2);
  EXPECT_EQ(recs[1].fields, (std::vector<std::string>{"multi\nline\r\nfield", "2", ""}));
  // The record that follows a field with two line breaks starts on line 5.
  EXPECT_EQ(recs[2].line, 5);
}

TEST(CsvReaderTest, BomIsSkippedAndHeaderRead) {
  CsvFile f = CsvFile::FromString("\xEF\xBB\xBFRow ID,Name\n1,x\n", "bom.csv");
  CsvReader r(f, {});
  ASSERT_TRUE(r.ReadHeader().ok());
  EXPECT_EQ(r.header()[0], "Row ID");
  EXPECT_EQ(r.FindColumn("Name"), 1);
  EXPECT_EQ(r.FindColumn("nope"), -1);
}

TEST(CsvReaderTest, EmptyFileHeaderIsDataError) {
  CsvFile f = CsvFile::FromString("", "empty.csv");
  CsvReader r(f, {});
  Status s = r.ReadHeader();
  EXPECT_EQ(s.code(), StatusCode::kDataError);
  EXPECT_NE(s.message().find("empty.csv"), std::string::npos);
}

TEST(CsvReaderTest, BlankLinesAreSkippedAndCounted) {
  CsvFile f = CsvFile::FromString("a\n\n\r\nb\n", "x");
  CsvReader r(f, CsvOptions{',', '"', false});
  CsvRecord rec;
  ASSERT_TRUE(r.Next(&rec));
  ASSERT_TRUE(r.Next(&rec));
  EXPECT_EQ(rec.fields[0], "b");
  EXPECT_EQ(rec.line, 4);
  EXPECT_FALSE(r.Next(&rec));
  EXPECT_EQ(r.blank_lines(), 2);
}

TEST(CsvReaderTest, SyntaxErrorsAreReportedPerRecord) {
  auto recs = ReadAllRecords("\"ok\"x,2\ngood,1\n\"never closed,3\n");
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_NE(recs[0].error.find("after a closing quote"), std::string::npos);
  EXPECT_TRUE(recs[1].error.empty());
  EXPECT_NE(recs[2].error.find("unterminated"), std::string::npos);
}

TEST(CsvReaderTest, OtherDelimiter) {
  CsvOptions o;
  o.delimiter = ';';
  auto recs = ReadAllRecords("a;\"b;c\";d,e\n", o);
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].fields, (std::vector<std::string>{"a", "b;c", "d,e"}));
}

TEST(CsvReaderTest, OpenMissingFileIsNotFound) {
  auto f = CsvFile::Open("/nonexistent/dir/file.csv");
  EXPECT_EQ(f.status().code(), StatusCode::kNotFound);
}

TEST(CsvReaderTest, OpenMapsFileAndSubrangeReader) {
  TempDir dir;
  std::string p = dir.Write("a.csv", "h\n1\n2\n3\n");
  auto f = CsvFile::Open(p);
  ASSERT_TRUE(f.ok());
  CsvReader r(*f, CsvOptions{',', '"', false}, 4, 6, 3);
  CsvRecord rec;
  ASSERT_TRUE(r.Next(&rec));
  EXPECT_EQ(rec.fields[0], "2");
  EXPECT_EQ(rec.line, 3);
  EXPECT_FALSE(r.Next(&rec));
}

TEST(NumberTest, ParsesNumbersMissingAndFlags) {
  double v = 0;
  EXPECT_EQ(ParseNumber("12.5", &v), NumberParse::kOk);
  EXPECT_EQ(v, 12.5);
  EXPECT_EQ(ParseNumber("+3", &v), NumberParse::kOk);
  EXPECT_EQ(v, 3);
  EXPECT_EQ(ParseNumber(" -2e3 ", &v), NumberParse::kOk);
  EXPECT_EQ(v, -2000);
  for (const char* m : {"", "NA", "NaN", "nan", "N/A", " NA "}) {
    EXPECT_EQ(ParseNumber(m, &v), NumberParse::kMissing) << m;
    EXPECT_TRUE(std::isnan(v));
  }
  for (const char* bad : {"abc", "1,5", "$3", "inf", "1e999", "12x", "TRUE"}) {
    EXPECT_EQ(ParseNumber(bad, &v), NumberParse::kInvalid) << bad;
  }
  EXPECT_EQ(ParseFlag("TRUE", &v), NumberParse::kOk);
  EXPECT_EQ(v, 1);
  EXPECT_EQ(ParseFlag("false", &v), NumberParse::kOk);
  EXPECT_EQ(v, 0);
  EXPECT_EQ(ParseFlag("yes", &v), NumberParse::kInvalid);
  EXPECT_EQ(ParseValue("a", ValueKind::kIndicator, &v), NumberParse::kOk);
  EXPECT_EQ(v, 1);
  EXPECT_EQ(ParseValue("0", ValueKind::kIndicator, &v), NumberParse::kOk);
  EXPECT_EQ(v, 0);
  EXPECT_EQ(ParseValue("", ValueKind::kIndicator, &v), NumberParse::kOk);
  EXPECT_EQ(v, 0);
}

TEST(CsvFieldTest, QuotesOnlyWhenNeeded) {
  std::string s;
  AppendCsvField(&s, "plain");
  s += ',';
  AppendCsvField(&s, "a,b \"q\"");
  EXPECT_EQ(s, "plain,\"a,b \"\"q\"\"\"");
}

TEST(AtomicFileTest, WritesAndReplaces) {
  TempDir dir;
  std::string p = dir.path("out.txt");
  ASSERT_TRUE(WriteFileAtomic(p, "one").ok());
  ASSERT_TRUE(WriteFileAtomic(p, "two").ok());
  EXPECT_EQ(testing::ReadAll(p), "two");
}

TEST(AtomicFileTest, AbortLeavesDestinationUntouched) {
  TempDir dir;
  std::string p = dir.path("out.txt");
  ASSERT_TRUE(WriteFileAtomic(p, "old").ok());
  {
    AtomicFileWriter w;
    ASSERT_TRUE(w.Open(p).ok());
    w.Append("partial");
  }  // destroyed without Commit
  EXPECT_EQ(testing::ReadAll(p), "old");
  size_t files = 0;
  for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator(dir.path(""))) ++files;
  EXPECT_EQ(files, 1u) << "the temporary file must be removed";
}

TEST(AtomicFileTest, UnwritableDirectoryIsIoError) {
  Status s = WriteFileAtomic("/nonexistent/dir/out.txt", "x");
  EXPECT_EQ(s.code(), StatusCode::kIoError);
  EXPECT_NE(s.message().find("/nonexistent/dir/out.txt"), std::string::npos);
}

TEST(IngestReportTest, ToStatusListsErrorsAndFixes) {
  IngestReport r;
  r.rows_read = 3;
  r.rows_rejected = 2;
  r.AddError("f.csv", 2, 3, "y", "a,2020-01-01,abc", "'abc' is not a number",
             RowErrorKind::kBadNumber);
  r.AddError("f.csv", 3, 2, "ds", std::string(500, 'x'), "bad date", RowErrorKind::kBadDate);
  Status s = r.ToStatus();
  ASSERT_EQ(s.code(), StatusCode::kDataError);
  EXPECT_NE(
      s.message().find("f.csv:2:3: 'abc' is not a number (field 'y', raw: 'a,2020-01-01,abc')"),
      std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("Possible fixes"), std::string::npos);
  EXPECT_NE(s.message().find("--date-format"), std::string::npos);
  EXPECT_EQ(r.errors[1].raw.size(), RowError::kMaxRawChars + 3);
  r.on_error = OnError::kSkip;
  EXPECT_TRUE(r.ToStatus().ok());
}

TEST(IngestReportTest, KeepsFirstThousandButCountsAll) {
  IngestReport r;
  for (int i = 0; i < 1500; ++i) {
    r.AddError("f", i + 2, 1, "a", "raw", "bad", RowErrorKind::kBadNumber);
  }
  EXPECT_EQ(r.errors.size(), IngestReport::kMaxKeptErrors);
  EXPECT_EQ(r.error_count, 1500);
  EXPECT_NE(r.ToStatus().message().find("and 1490 more"), std::string::npos);
}

TEST(IngestReportTest, WritesRejectsCsv) {
  TempDir dir;
  IngestReport r;
  r.AddError("f.csv", 7, 2, "ds", "a,\"x\"", "bad, date", RowErrorKind::kBadDate);
  std::string p = dir.path("rejects.csv");
  ASSERT_TRUE(r.WriteRejectsCsv(p).ok());
  EXPECT_EQ(testing::ReadAll(p),
            "file,line,column,field,kind,reason,raw\n"
            "f.csv,7,2,ds,bad_date,\"bad, date\",\"a,\"\"x\"\"\"\n");
}

}  // namespace
}  // namespace retailcast::io
