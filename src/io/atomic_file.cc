#include "retailcast/io/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace retailcast::io {

namespace {
constexpr size_t kBufferBytes = 1 << 20;

std::string DirName(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}
}  // namespace

AtomicFileWriter::~AtomicFileWriter() { Abort(); }

Status AtomicFileWriter::Open(const std::string& path) {
  Abort();
  path_ = path;
  error_ = Status::Ok();
  buffer_.clear();
  // mkstemp needs a mutable template: "<path>.tmp.XXXXXX" in the same directory, so the
  // final rename stays within one file system and is atomic.
  std::string tmpl = path + ".tmp.XXXXXX";
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  int fd = mkstemp(name.data());
  if (fd < 0) {
    return Status::IoError("cannot create a temporary file next to '" + path +
                           "': " + std::strerror(errno));
  }
  // mkstemp creates 0600; give the output the usual permissions (umask applies).
  mode_t mask = umask(0);
  umask(mask);
  fchmod(fd, 0666 & ~mask);
  fd_ = fd;
  temp_path_ = name.data();
  return Status::Ok();
}

void AtomicFileWriter::Append(std::string_view bytes) {
  if (fd_ < 0 || !error_.ok()) return;
  bytes_ += static_cast<int64_t>(bytes.size());
  if (bytes.size() >= kBufferBytes) {
    // Large blocks (the synth writers' multi-megabyte chunks) skip the copy into the buffer.
    error_ = Flush();
    if (error_.ok()) error_ = WriteAll(bytes);
    return;
  }
  buffer_.append(bytes);
  if (buffer_.size() >= kBufferBytes) error_ = Flush();
}

Status AtomicFileWriter::WriteAll(std::string_view bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IoError("cannot write '" + path_ + "': " + std::strerror(errno));
    }
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

Status AtomicFileWriter::Flush() {
  Status s = WriteAll(buffer_);
  buffer_.clear();
  return s;
}

Status AtomicFileWriter::Commit() {
  if (fd_ < 0) return Status::FailedPrecondition("AtomicFileWriter::Commit without Open");
  if (error_.ok()) error_ = Flush();
  if (error_.ok() && ::fsync(fd_) != 0) {
    error_ = Status::IoError("cannot fsync '" + path_ + "': " + std::strerror(errno));
  }
  if (::close(fd_) != 0 && error_.ok()) {
    error_ = Status::IoError("cannot close '" + path_ + "': " + std::strerror(errno));
  }
  fd_ = -1;
  if (error_.ok() && std::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    error_ = Status::IoError("cannot rename '" + temp_path_ + "' to '" + path_ +
                             "': " + std::strerror(errno));
  }
  if (!error_.ok()) {
    ::unlink(temp_path_.c_str());
    temp_path_.clear();
    return error_;
  }
  temp_path_.clear();
  // Make the rename itself durable.
  int dir = ::open(DirName(path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return Status::Ok();
}

void AtomicFileWriter::Abort() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  if (!temp_path_.empty()) {
    ::unlink(temp_path_.c_str());
    temp_path_.clear();
  }
  buffer_.clear();
}

Status WriteFileAtomic(const std::string& path, std::string_view content) {
  AtomicFileWriter w;
  RETAILCAST_RETURN_IF_ERROR(w.Open(path));
  w.Append(content);
  return w.Commit();
}

}  // namespace retailcast::io
