// GET /v1/models: the model registry with the parameter spec of every model, as
// ModelRegistry::ToJson writes it (the CLI help and saved artifacts come from the same table).
#include "serve/handlers/handlers.h"

namespace retailcast::serve {

ApiResponse GetModels(ServiceContext& context) {
  // Made once by Service::Create: the registry does not change while the process runs.
  return JsonReply(200, context.models_json);
}

}  // namespace retailcast::serve
