// libFuzzer target for the CSV tokenizer and the long-format and transactions readers.
// The first input byte picks reader options; the rest is the file. Invariants checked here
// abort (and so are reported by the fuzzer) when broken; any crash or sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "retailcast/io/csv.h"
#include "retailcast/io/long_csv.h"
#include "retailcast/io/transactions_csv.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

void FuzzTokenizer(std::string_view bytes, char delimiter) {
  using retailcast::io::CsvFile;
  using retailcast::io::CsvOptions;
  using retailcast::io::CsvReader;
  using retailcast::io::CsvRecord;
  CsvFile file = CsvFile::FromString(bytes, "fuzz.csv");
  CsvReader reader(file, CsvOptions{delimiter, '"', false});
  CsvRecord rec;
  int64_t last_line = 0;
  size_t last_offset = 0;
  while (reader.Next(&rec)) {
    Check(!rec.fields.empty());
    Check(rec.line > last_line);
    Check(rec.byte_offset >= last_offset && rec.byte_offset < bytes.size());
    Check(rec.raw.data() >= file.bytes().data() &&
          rec.raw.data() + rec.raw.size() <= file.bytes().data() + file.bytes().size());
    for (std::string_view f : rec.fields) Check(f.size() <= bytes.size());
    last_line = rec.line;
    last_offset = rec.byte_offset;
  }
}

void CheckPanel(const retailcast::Panel& p) {
  for (size_t i = 0; i < p.num_series(); ++i) {
    Check(p.length(i) > 0);
    if (i > 0) Check(p.id(i - 1) < p.id(i));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  FuzzTokenizer(bytes, (mode & 1) != 0 ? ';' : ',');

  retailcast::io::LongCsvOptions o;
  o.on_error = (mode & 2) != 0 ? retailcast::io::OnError::kSkip : retailcast::io::OnError::kFail;
  if ((mode & 4) != 0) o.freq = retailcast::Frequency::Daily();
  if ((mode & 8) != 0) o.all_numeric_exog = true;
  o.on_duplicate = static_cast<retailcast::io::DuplicatePolicy>((mode >> 4) % 3);
  if ((mode & 64) != 0) o.attribute_columns = {"a"};
  auto r = retailcast::io::ReadLongCsvFromString(bytes, "fuzz.csv", o);
  if (r.ok()) {
    CheckPanel(r->panel);
    Check(r->report.rows_accepted + r->report.rows_rejected == r->report.rows_read);
  }

  retailcast::io::TransactionsOptions t;
  t.date_column = "ds";
  t.key_columns = {"unique_id"};
  t.quantity_column = (mode & 128) != 0 ? "y" : "";
  t.on_error = o.on_error;
  auto tr = retailcast::io::ReadTransactionsCsvFromString(bytes, "fuzz.csv", t);
  if (tr.ok()) CheckPanel(tr->panel);
  return 0;
}
