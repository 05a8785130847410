// End-to-end tests of `retailcast keys` and `retailcast serve` as processes: keys are printed
// once and listed without their secrets; the server starts from flags and a config file,
// answers, and exits 0 on SIGTERM; bad configs fail with the usage exit code.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <regex>
#include <thread>

#include "../cli/cli_test_util.h"
#include "serve_test_util.h"

namespace retailcast::serve {
namespace {

namespace fs = std::filesystem;
using cli_test::ReadFile;
using cli_test::WriteFile;

// Expects no sanitizer report (ASan build) in a process's stderr.
void ExpectNoSanitizerReport(const std::string& err) {
  for (const char* report : {"runtime error:", "Sanitizer"}) {
    EXPECT_EQ(err.find(report), std::string::npos) << "sanitizer report:\n" << err;
  }
}

// How long one `retailcast keys|serve` command may run before it is killed and the test fails.
constexpr std::chrono::seconds kCliLimit(120);
// How long `retailcast serve` may take to exit after SIGTERM (its drain is bounded by
// server.shutdown_grace_s, 20 s by default).
constexpr std::chrono::seconds kExitLimit(60);

int ExitCode(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// `retailcast ARGS` in `cwd`, as cli_test::RunCli runs it (stdout and stderr through files,
// stdin from /dev/null) but waited for at most kCliLimit: a command that hangs is killed and
// fails the test with what it printed.
cli_test::ProcessResult RunCli(const std::vector<std::string>& args, const fs::path& cwd) {
  static int counter = 0;
  const fs::path io_dir = cwd / ".proc_io";
  fs::create_directories(io_dir);
  ++counter;
  const std::string out_path = (io_dir / ("out" + std::to_string(counter))).string();
  const std::string err_path = (io_dir / ("err" + std::to_string(counter))).string();
  const std::string dir = cwd.string();
  std::vector<std::string> storage = {cli_test::kCliBinary};
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    // Child: only async-signal-safe calls until exec.
    const int out_fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err_fd = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int null_fd = ::open("/dev/null", O_RDONLY);
    if (out_fd < 0 || err_fd < 0 || null_fd < 0 || ::chdir(dir.c_str()) != 0) ::_exit(126);
    ::dup2(null_fd, 0);
    ::dup2(out_fd, 1);
    ::dup2(err_fd, 2);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  cli_test::ProcessResult r;
  if (pid < 0) {
    r.err = "fork failed";
    return r;
  }
  const std::optional<int> status = retailcast::testing::WaitForChild(pid, kCliLimit);
  r.out = ReadFile(out_path);
  r.err = ReadFile(err_path);
  if (!status) {
    std::string command;
    for (const auto& a : args) command += " " + a;
    ADD_FAILURE() << "`retailcast" << command << "` did not exit within " << kCliLimit.count()
                  << " s and was killed; it printed:\n"
                  << r.Describe();
    return r;  // exit_code stays -1
  }
  r.exit_code = ExitCode(*status);
  ExpectNoSanitizerReport(r.err);
  return r;
}

// `retailcast serve ...` running in the background.
class ServeProcess {
 public:
  ServeProcess(const std::vector<std::string>& args, const fs::path& cwd)
      : err_path_((cwd / "serve.err").string()) {
    std::vector<std::string> storage = {cli_test::kCliBinary, "serve"};
    storage.insert(storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& s : storage) argv.push_back(s.data());
    argv.push_back(nullptr);
    const std::string out_path = (cwd / "serve.out").string();
    const std::string dir = cwd.string();
    std::fflush(nullptr);
    pid_ = ::fork();
    if (pid_ == 0) {
      int out_fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      int err_fd = ::open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (out_fd < 0 || err_fd < 0 || ::chdir(dir.c_str()) != 0) ::_exit(126);
      ::dup2(out_fd, 1);
      ::dup2(err_fd, 2);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
  }
  ~ServeProcess() {
    if (pid_ > 0 && exit_code_ < 0) {
      ::kill(pid_, SIGKILL);
      (void)retailcast::testing::WaitForChild(pid_, kExitLimit);
    }
    ExpectNoSanitizerReport(Stderr());
  }
  // The port from the "listening" log line, or 0 when the process exited or did not start
  // listening within a minute (a generous bound for a loaded CI machine).
  int WaitForPort() {
    const std::regex url(R"re("url":"https?://[^:]+:(\d+)")re");
    for (int i = 0; i < 600; ++i) {
      std::smatch m;
      const std::string err = ReadFile(err_path_);
      if (std::regex_search(err, m, url)) return std::stoi(m[1]);
      if (::waitpid(pid_, &status_, WNOHANG) == pid_) {
        exit_code_ = ExitCode(status_);
        return 0;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return 0;
  }
  // Sends `sig` and waits (at most kExitLimit) for the exit code; a process that outlives
  // the limit is killed and fails the test.
  int Stop(int sig) {
    if (exit_code_ >= 0) return exit_code_;
    ::kill(pid_, sig);
    return WaitExit();
  }
  int WaitExit() {
    if (exit_code_ < 0) {
      const std::optional<int> status = retailcast::testing::WaitForChild(pid_, kExitLimit);
      if (!status) {
        ADD_FAILURE() << "`retailcast serve` did not exit within " << kExitLimit.count()
                      << " s and was killed; its log:\n"
                      << Stderr();
        exit_code_ = 128 + SIGKILL;
      } else {
        status_ = *status;
        exit_code_ = ExitCode(status_);
      }
    }
    return exit_code_;
  }
  std::string Stderr() const { return ReadFile(err_path_); }

 private:
  std::string err_path_;
  pid_t pid_ = -1;
  int status_ = 0;
  int exit_code_ = -1;
};

class ServeCliTest : public testing::TempDirTest {};

std::string LastLine(const std::string& text) {
  std::string t = text;
  while (!t.empty() && t.back() == '\n') t.pop_back();
  return t.substr(t.rfind('\n') == std::string::npos ? 0 : t.rfind('\n') + 1);
}

TEST_F(ServeCliTest, KeysArePrintedOnceListedWithoutSecretsAndRevoked) {
  auto created =
      RunCli({"keys", "create", "--store", "k.db", "--role", "writer", "--name", "etl"}, dir_);
  ASSERT_EQ(created.exit_code, 0) << created.Describe();
  const std::string key = LastLine(created.out);
  ASSERT_TRUE(LooksLikeApiKey(key)) << created.Describe();
  EXPECT_NE(created.err.find("printed once"), std::string::npos);
  EXPECT_EQ(created.err.find(key), std::string::npos);
  const std::string key_id = key.substr(4, 16);

  auto listed = RunCli({"keys", "list", "--store", "k.db"}, dir_);
  ASSERT_EQ(listed.exit_code, 0) << listed.Describe();
  EXPECT_NE(listed.out.find(key_id), std::string::npos);
  EXPECT_NE(listed.out.find("writer"), std::string::npos);
  EXPECT_NE(listed.out.find("active"), std::string::npos);
  EXPECT_NE(listed.out.find("argon2id"), std::string::npos);
  EXPECT_EQ(listed.out.find(key.substr(21)), std::string::npos);
  // The database holds no trace of the secret either.
  EXPECT_EQ(ReadFile(dir_ / "k.db").find(key.substr(21)), std::string::npos);

  auto revoked = RunCli({"keys", "revoke", "--store", "k.db", key}, dir_);
  EXPECT_EQ(revoked.exit_code, 0) << revoked.Describe();
  listed = RunCli({"keys", "list", "--store", "k.db"}, dir_);
  EXPECT_NE(listed.out.find("revoked"), std::string::npos);
  auto again = RunCli({"keys", "revoke", "--store", "k.db", key_id}, dir_);
  EXPECT_EQ(again.exit_code, 5) << again.Describe();
  auto unknown = RunCli({"keys", "revoke", "--store", "k.db", "0000000000000000"}, dir_);
  EXPECT_EQ(unknown.exit_code, 3) << unknown.Describe();
  auto bad_role = RunCli({"keys", "create", "--store", "k.db", "--role", "root"}, dir_);
  EXPECT_EQ(bad_role.exit_code, 2) << bad_role.Describe();
  auto no_store = RunCli({"keys", "list", "--store", "missing.db"}, dir_);
  EXPECT_EQ(no_store.exit_code, 3) << no_store.Describe();
  EXPECT_FALSE(fs::exists(dir_ / "missing.db"));
}

TEST_F(ServeCliTest, ServeAnswersAndExitsCleanlyOnSigterm) {
  auto created = RunCli({"keys", "create", "--store", "s.db", "--role", "reader"}, dir_);
  ASSERT_EQ(created.exit_code, 0) << created.Describe();
  const std::string key = LastLine(created.out);
  ServeProcess serve({"--store", "s.db", "--host", "127.0.0.1", "--port", "0", "--threads", "4"},
                     dir_);
  const int port = serve.WaitForPort();
  ASSERT_GT(port, 0) << serve.Stderr();
  testing::Client c(port);
  EXPECT_EQ(c.Get("/healthz").status, 200);
  EXPECT_EQ(c.Get("/v1/models").status, 401);
  EXPECT_EQ(c.Get("/v1/models", key).status, 200);
  EXPECT_EQ(serve.Stop(SIGTERM), 0) << serve.Stderr();
  const std::string err = serve.Stderr();
  EXPECT_NE(err.find("SIGTERM received"), std::string::npos) << err;
  EXPECT_NE(err.find("every in-flight request was answered"), std::string::npos) << err;
  // The access log went to stdout, one JSON line per request, the key's secret nowhere.
  const std::string access = ReadFile(dir_ / "serve.out");
  EXPECT_NE(access.find("\"route\":\"/v1/models\""), std::string::npos) << access;
  EXPECT_EQ(access.find(key.substr(21)), std::string::npos);
}

TEST_F(ServeCliTest, TheConfigFileIsReadAndFlagsOverrideIt) {
  WriteFile(dir_ / "config.json",
            R"({"store": "from-config.db", "server": {"host": "127.0.0.1", "port": 1,
                "threads": 2}, "logging": {"access_log": "access.log", "level": "error"}})");
  ServeProcess serve(
      {"--config", "config.json", "--port", "0", "--store", "flag.db", "--log-level", "info"},
      dir_);
  const int port = serve.WaitForPort();
  ASSERT_GT(port, 1) << serve.Stderr();
  EXPECT_EQ(testing::Client(port).Get("/healthz").status, 200);
  EXPECT_EQ(serve.Stop(SIGINT), 0) << serve.Stderr();
  EXPECT_TRUE(fs::exists(dir_ / "flag.db"));
  EXPECT_FALSE(fs::exists(dir_ / "from-config.db"));
  // From the config: the access log file, and the thread count.
  EXPECT_NE(ReadFile(dir_ / "access.log").find("\"route\":\"/healthz\""), std::string::npos);
  EXPECT_NE(serve.Stderr().find("\"threads\":2"), std::string::npos) << serve.Stderr();
  EXPECT_NE(serve.Stderr().find("no API key is active"), std::string::npos) << serve.Stderr();
}

TEST_F(ServeCliTest, BadConfigsFailWithTheUsageExitCode) {
  WriteFile(dir_ / "bad.json", R"({"server": {"prot": 8080}})");
  auto bad = RunCli({"serve", "--config", "bad.json", "--store", "x.db"}, dir_);
  EXPECT_EQ(bad.exit_code, 2) << bad.Describe();
  EXPECT_NE(bad.err.find("unknown key 'server.prot'"), std::string::npos) << bad.err;
  auto missing = RunCli({"serve", "--config", "none.json"}, dir_);
  EXPECT_EQ(missing.exit_code, 3) << missing.Describe();
  auto half_tls = RunCli({"serve", "--store", "x.db", "--tls-cert", "c.pem", "--port", "0"}, dir_);
  EXPECT_EQ(half_tls.exit_code, 2) << half_tls.Describe();
  EXPECT_NE(half_tls.err.find("both a certificate and a key"), std::string::npos);
}

TEST_F(ServeCliTest, PlainHttpBeyondLoopbackIsWarnedAbout) {
  ServeProcess serve({"--store", "w.db", "--host", "0.0.0.0", "--port", "0", "--threads", "2"},
                     dir_);
  ASSERT_GT(serve.WaitForPort(), 0) << serve.Stderr();
  EXPECT_EQ(serve.Stop(SIGTERM), 0);
  EXPECT_NE(serve.Stderr().find("serving plain HTTP beyond loopback"), std::string::npos)
      << serve.Stderr();
}

}  // namespace
}  // namespace retailcast::serve
