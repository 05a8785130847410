# The module graph: every library of src/ is declared with retailcast_module(), which makes
# its target, links the modules it may use (and nothing else of ours) and records the edge list.
# retailcast_check_module_graph() then refuses, at configure time, any target of ours that
# links a module it did not declare, and writes the graph to build/module_graph.json, which
# the module_graph test (scripts/check_module_graph.py) reads to check every #include of
# src/ and include/ against it and docs/design.md's drawing of it.
#
#   retailcast_module(NAME <name> SOURCES <files...> [DEPS <modules...>]
#                     [PUBLIC_LIBS <libs...>] [PRIVATE_LIBS <libs...>])
#
# <name> is the module's name: a folder of src/ ("eval"), or a family folder of src/models/
# written with an underscore ("models_ets"). The target is retailcast_<name>.

set_property(GLOBAL PROPERTY RETAILCAST_MODULES "")

function(retailcast_module)
  cmake_parse_arguments(M "" "NAME" "SOURCES;DEPS;PUBLIC_LIBS;PRIVATE_LIBS" ${ARGN})
  set(target retailcast_${M_NAME})
  add_library(${target} ${M_SOURCES})
  # Public headers under include/retailcast/<module>/; private ones by their path from src/.
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR}/include
                             PRIVATE ${PROJECT_SOURCE_DIR}/src)
  set(dep_targets "")
  foreach(dep IN LISTS M_DEPS)
    list(APPEND dep_targets retailcast_${dep})
  endforeach()
  target_link_libraries(${target} PUBLIC ${dep_targets} ${M_PUBLIC_LIBS} retailcast_options
                        PRIVATE ${M_PRIVATE_LIBS})
  set_property(GLOBAL APPEND PROPERTY RETAILCAST_MODULES ${M_NAME})
  set_property(GLOBAL PROPERTY RETAILCAST_MODULE_DEPS_${M_NAME} "${M_DEPS}")
  file(RELATIVE_PATH dir ${PROJECT_SOURCE_DIR} ${CMAKE_CURRENT_SOURCE_DIR})
  set_property(GLOBAL PROPERTY RETAILCAST_MODULE_DIR_${M_NAME} "${dir}")
endfunction()

# The executable `retailcast` is the top of the graph: it declares its modules the same way.
function(retailcast_module_executable)
  cmake_parse_arguments(M "" "NAME;TARGET" "DEPS" ${ARGN})
  set(dep_targets "")
  foreach(dep IN LISTS M_DEPS)
    list(APPEND dep_targets retailcast_${dep})
  endforeach()
  target_link_libraries(${M_TARGET} PRIVATE ${dep_targets} retailcast_options)
  target_include_directories(${M_TARGET} PRIVATE ${PROJECT_SOURCE_DIR}/src)
  set_property(GLOBAL APPEND PROPERTY RETAILCAST_MODULES ${M_NAME})
  set_property(GLOBAL PROPERTY RETAILCAST_MODULE_DEPS_${M_NAME} "${M_DEPS}")
  set_property(GLOBAL PROPERTY RETAILCAST_MODULE_TARGET_${M_NAME} "${M_TARGET}")
  file(RELATIVE_PATH dir ${PROJECT_SOURCE_DIR} ${CMAKE_CURRENT_SOURCE_DIR})
  set_property(GLOBAL PROPERTY RETAILCAST_MODULE_DIR_${M_NAME} "${dir}")
endfunction()

# Libraries of ours that are not modules (helpers a module links privately).
set(RETAILCAST_NON_MODULE_LIBS retailcast_options retailcast_http_connection)

function(retailcast_check_module_graph)
  get_property(modules GLOBAL PROPERTY RETAILCAST_MODULES)
  set(json "{")
  set(first TRUE)
  foreach(m IN LISTS modules)
    get_property(deps GLOBAL PROPERTY RETAILCAST_MODULE_DEPS_${m})
    get_property(dir GLOBAL PROPERTY RETAILCAST_MODULE_DIR_${m})
    get_property(target GLOBAL PROPERTY RETAILCAST_MODULE_TARGET_${m})
    if(NOT target)
      set(target retailcast_${m})
    endif()
    foreach(dep IN LISTS deps)
      if(NOT dep IN_LIST modules)
        message(FATAL_ERROR "module ${m} depends on ${dep}, which is not a module (or is "
                            "declared after it: declare modules bottom up)")
      endif()
    endforeach()
    foreach(kind LINK_LIBRARIES INTERFACE_LINK_LIBRARIES)
      get_target_property(libs ${target} ${kind})
      if(NOT libs)
        continue()
      endif()
      foreach(lib IN LISTS libs)
        if(lib MATCHES "^retailcast_(.*)$" AND NOT lib IN_LIST RETAILCAST_NON_MODULE_LIBS)
          if(NOT CMAKE_MATCH_1 IN_LIST deps)
            message(FATAL_ERROR "${target} links ${lib}, but module ${m} does not declare "
                                "${CMAKE_MATCH_1} among its DEPS (cmake/modules.cmake)")
          endif()
        endif()
      endforeach()
    endforeach()
    set(dep_json "")
    foreach(dep IN LISTS deps)
      if(dep_json)
        string(APPEND dep_json ", ")
      endif()
      string(APPEND dep_json "\"${dep}\"")
    endforeach()
    if(NOT first)
      string(APPEND json ",")
    endif()
    set(first FALSE)
    string(APPEND json "\n  \"${m}\": {\"dir\": \"${dir}\", \"deps\": [${dep_json}]}")
  endforeach()
  string(APPEND json "\n}\n")
  file(WRITE ${PROJECT_BINARY_DIR}/module_graph.json "${json}")
endfunction()
