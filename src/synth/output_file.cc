#include "output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace retailcast::synth::internal {

OutputFile::~OutputFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!temp_path_.empty()) ::unlink(temp_path_.c_str());
}

Status OutputFile::Open(const std::string& path, size_t buffer_bytes) {
  path_ = path;
  // mkstemp needs a writable template; the temporary file sits beside the destination so the
  // final rename stays within one file system (and is atomic).
  std::string templ = path + ".tmp.XXXXXX";
  std::vector<char> name(templ.begin(), templ.end());
  name.push_back('\0');
  fd_ = ::mkstemp(name.data());
  if (fd_ < 0) {
    return Status::IoError("cannot create a temporary file next to '" + path + "': " + std::strerror(errno));
  }
  temp_path_ = name.data();
  // mkstemp creates 0600; an output file is as readable as any other written file.
  (void)::fchmod(fd_, 0644);
  capacity_ = buffer_bytes;
  buffer_.reserve(capacity_);
  return Status::Ok();
}

Status OutputFile::WriteAll(const char* data, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd_, data, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return Status::IoError("cannot write '" + temp_path_ + "' (for '" + path_ + "'): " + std::strerror(errno));
    }
    data += w;
    n -= static_cast<size_t>(w);
  }
  return Status::Ok();
}

Status OutputFile::Append(std::string_view bytes) {
  if (!error_.ok()) return error_;
  bytes_ += static_cast<int64_t>(bytes.size());
  if (buffer_.size() + bytes.size() > capacity_) {
    error_ = WriteAll(buffer_.data(), buffer_.size());
    buffer_.clear();
    if (!error_.ok()) return error_;
    if (bytes.size() >= capacity_) {
      error_ = WriteAll(bytes.data(), bytes.size());
      return error_;
    }
  }
  buffer_.append(bytes);
  return Status::Ok();
}

Status OutputFile::Commit() {
  if (fd_ < 0) return Status::Internal("OutputFile::Commit without a successful Open");
  if (error_.ok()) error_ = WriteAll(buffer_.data(), buffer_.size());
  buffer_.clear();
  if (!error_.ok()) return error_;
  if (::fsync(fd_) != 0) {
    return Status::IoError("cannot flush '" + temp_path_ + "' to disk: " + std::strerror(errno));
  }
  int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) {
    return Status::IoError("cannot close '" + temp_path_ + "': " + std::strerror(errno));
  }
  if (std::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    return Status::IoError("cannot rename '" + temp_path_ + "' to '" + path_ + "': " + std::strerror(errno));
  }
  temp_path_.clear();
  return Status::Ok();
}

}  // namespace retailcast::synth::internal
