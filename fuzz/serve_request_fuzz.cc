// libFuzzer target for what the service parses from a request: the forecast and actuals
// bodies (JSON, types, limits; the one-pass stored-request reader against the JSON parser), posted
// history through the long-format reader, the Authorization header, the route table, and the error
// replies built from all of these. The first input byte picks the method and options; the rest is
// the body (also used as the path and the header). Invariants checked here abort (and so are
// reported by the fuzzer) when broken; any crash or sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "auth.h"
#include "errors.h"
#include "requests.h"
#include "retailcast/core/json_writer.h"
#include "routes.h"

namespace {

using retailcast::Status;
namespace serve = retailcast::serve;

void Check(bool ok) {
  if (!ok) std::abort();
}

// Every error reply is one valid JSON object with the documented shape.
void CheckErrorReply(const Status& s, const nlohmann::json& details) {
  if (s.ok()) return;
  const std::string body = serve::ApiError::FromStatus(s, details).ToJson();
  const nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  Check(!j.is_discarded() && j.contains("error") && j["error"].contains("code") &&
        j["error"].contains("message") && j["error"]["details"].is_object());
  Check(serve::HttpStatusFor(s.code()) >= 400);
}

void CheckPosted(const serve::PostedData& data, bool daily) {
  Check(data.first_row.size() == data.ids.size() + 1);
  for (size_t i = 1; i < data.first_row.size(); ++i) {
    Check(data.first_row[i - 1] <= data.first_row[i]);
  }
  nlohmann::json details = nlohmann::json::object();
  std::optional<retailcast::Frequency> freq;
  if (daily) freq = retailcast::Frequency::Daily();
  auto loaded = serve::ReadPosted(data, freq, &details);
  if (loaded.ok()) {
    const retailcast::Panel& p = loaded->panel;
    for (size_t i = 0; i < p.num_series(); ++i) {
      Check(p.length(i) > 0);
      if (i > 0) Check(p.id(i - 1) < p.id(i));
    }
    Check(loaded->report.rows_accepted == static_cast<int64_t>(data.rows()));
  } else {
    CheckErrorReply(loaded.status(), details);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  serve::RequestLimits limits;
  limits.max_series = 1 + (mode & 7) * 8;
  limits.max_points = 1 + (mode >> 3) * 64;

  serve::ForecastRequest f;
  nlohmann::json details = nlohmann::json::object();
  Status s = serve::ParseForecastRequest(body, limits, &f, &details);
  CheckErrorReply(s, details);
  if (s.ok()) {
    Check(f.horizon >= 1);
    Check(f.posted ? !f.data.ids.empty() : !f.series.empty());
    if (f.posted) CheckPosted(f.data, (mode & 1) != 0);
  }
  // Where the one-pass reader of stored requests accepts, the JSON-document parser agrees.
  serve::ForecastRequest fast;
  if (serve::TryParseStoredForecast(body, limits, &fast)) {
    serve::ForecastRequest general;
    Check(serve::ParseForecastRequestJson(body, limits, &general, nullptr).ok());
    Check(!fast.posted && !general.posted && fast.series == general.series &&
          fast.horizon == general.horizon && fast.levels == general.levels &&
          fast.artifact == general.artifact && fast.models == general.models);
  }

  serve::ActualsRequest a;
  details = nlohmann::json::object();
  s = serve::ParseActualsRequest(body, limits, &a, &details);
  CheckErrorReply(s, details);
  if (s.ok()) {
    Check(!a.batch_id.empty() && !a.dataset.empty());
    CheckPosted(a.data, (mode & 2) != 0);
  }

  static constexpr std::string_view kMethods[] = {"GET", "POST", "HEAD", "PUT", "DELETE"};
  serve::RouteMatch m = serve::MatchRoute(kMethods[mode % 5], body);
  if (m.route != nullptr) Check(m.allow.empty());

  static const serve::KeyRing ring("");
  serve::Identity id = ring.Authenticate(body);
  Check(id.outcome != serve::AuthOutcome::kOk);

  std::string quoted;
  retailcast::JsonWriter::AppendString(&quoted, body);
  Check(nlohmann::json::accept(quoted));
  return 0;
}
