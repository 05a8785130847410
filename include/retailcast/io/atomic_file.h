// Crash-safe file writing: data goes to a temporary file in the destination's directory, is
// flushed with fsync, then renamed over the destination, so readers see either the old file
// or the complete new one, never a partial write. Every retailcast writer uses this.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "retailcast/core/status.h"

namespace retailcast::io {

// Writes `content` to `path` atomically. IoError (naming the path and the OS error) when the
// directory is not writable, the disk is full, or the rename fails; `path` is then untouched.
Status WriteFileAtomic(const std::string& path, std::string_view content);

// Streaming variant for large outputs:
//   AtomicFileWriter w;
//   RETURN_IF_ERROR(w.Open(path)); w.Append(...); ...; RETURN_IF_ERROR(w.Commit());
// Appends are buffered; the first write error is remembered and returned by Commit(). If the
// writer is destroyed without a successful Commit(), the temporary file is removed and the
// destination is left as it was. Not thread-safe.
class AtomicFileWriter {
 public:
  AtomicFileWriter() = default;
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  // Creates the temporary file next to `path`. IoError when it cannot be created.
  Status Open(const std::string& path);
  // Buffers `bytes`; an append larger than the buffer goes straight to the file.
  void Append(std::string_view bytes);
  // The first write error so far (OK while writing succeeds), to stop long writes early.
  const Status& status() const { return error_; }
  // Bytes appended so far.
  int64_t bytes_written() const { return bytes_; }
  // Flushes, fsyncs, renames over the destination and fsyncs the directory.
  Status Commit();
  // Removes the temporary file; the destination is untouched.
  void Abort();

 private:
  Status Flush();
  Status WriteAll(std::string_view bytes);
  std::string path_;
  std::string temp_path_;
  int fd_ = -1;
  std::string buffer_;
  int64_t bytes_ = 0;
  Status error_;
};

}  // namespace retailcast::io
