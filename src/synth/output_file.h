// Internal: a buffered output file written atomically (temporary file in the destination's
// directory, fsync, rename), for the synth writers' multi-gigabyte outputs. Large appends go
// straight to the file without a copy into the buffer.
#pragma once

#include <string>
#include <string_view>

#include "retailcast/status.h"

namespace retailcast::synth::internal {

class OutputFile {
 public:
  OutputFile() = default;
  ~OutputFile();  // removes the temporary file unless Commit() succeeded
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  // IoError naming the path and the OS error when the temporary file cannot be created.
  Status Open(const std::string& path, size_t buffer_bytes = size_t{8} << 20);
  // Returns the first write error (later appends are ignored after an error).
  Status Append(std::string_view bytes);
  // Flushes, fsyncs and renames over the destination; IoError on failure.
  Status Commit();
  int64_t bytes_written() const { return bytes_; }

 private:
  Status WriteAll(const char* data, size_t n);
  std::string path_, temp_path_;
  int fd_ = -1;
  std::string buffer_;
  size_t capacity_ = 0;
  int64_t bytes_ = 0;
  Status error_;
};

}  // namespace retailcast::synth::internal
