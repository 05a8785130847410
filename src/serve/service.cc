#include "service.h"

#include <utility>

#include "retailcast/catalog/catalog.h"

namespace retailcast::serve {

Service::Service(std::unique_ptr<ServiceContext> context, std::unique_ptr<Router> router)
    : context_(std::move(context)), router_(std::move(router)) {}

Service::~Service() = default;

Result<std::unique_ptr<Service>> Service::Create(const ServerOptions& options, Logs* logs) {
  auto context = std::make_unique<ServiceContext>(options, logs, BuiltinRegistry());
  RETAILCAST_ASSIGN_OR_RETURN(context->store, store::Store::Open(options.store_path));
  ServiceContext* c = context.get();
  context->artifacts = std::make_unique<ArtifactServer>(
      *context->store, context->registry, options.artifact_names,
      [c](const ServedSet&, const ServedArtifact& changed, const std::string& message) {
        const auto& r = changed.record();
        c->metrics.artifact_version->WithLabels({r.name}).Set(static_cast<double>(r.version));
        c->metrics.artifact_series->WithLabels({r.name}).Set(
            static_cast<double>(changed.models().series().size()));
        c->metrics.artifact_switches->WithLabels({r.name}).Inc();
        c->logs->Event(LogLevel::kInfo, message,
                       {{"artifact", r.name}, {"version", r.version}, {"id", r.id}});
      },
      options.forecast_cache_bytes);
  context->models_json = context->registry.ToJson();
  // The serve module's own tables (the keys), created or migrated once per store.
  RETAILCAST_ASSIGN_OR_RETURN(KeyStore keys, KeyStore::Open(*context->store));
  auto router = std::make_unique<Router>(*context, keys);
  std::unique_ptr<Service> s(new Service(std::move(context), std::move(router)));
  RETAILCAST_RETURN_IF_ERROR(s->RefreshKeys());
  Status loaded = s->RefreshArtifacts();
  if (!loaded.ok()) {
    logs->Event(LogLevel::kError, "an artifact could not be loaded; its name is not served",
                {{"error", loaded.ToString()}});
  }
  return s;
}

ApiResponse Service::Handle(const ApiRequest& req, RequestInfo* info) {
  return router_->Route(req, info);
}

Status Service::RefreshKeys() { return router_->RefreshKeys(); }

Status Service::RefreshArtifacts() {
  Status s = context_->artifacts->Refresh();
  if (!s.ok()) context_->metrics.artifact_load_failures->Inc();
  return s;
}

void Service::RecordRequest(std::string_view route, std::string_view method, int status,
                            double seconds) {
  context_->metrics.RecordRequest(route, method, status, seconds);
}

}  // namespace retailcast::serve
