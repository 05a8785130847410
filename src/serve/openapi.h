// The OpenAPI document of the service (docs/openapi.json, embedded at build time by
// src/serve/CMakeLists.txt into the generated openapi_doc.cc).
#pragma once

#include <string_view>

namespace retailcast::serve {

std::string_view OpenApiDocument();

}  // namespace retailcast::serve
