# The man pages hwacme(1) and hwacme.json(5), made from their scdoc sources in docs/man when
# scdoc (Debian package scdoc) is installed; without it they are left out, and said so.
find_program(HWACME_SCDOC scdoc)
set(HWACME_MAN_PAGES hwacme.1 hwacme.json.5)
if(HWACME_SCDOC)
  set(man_outputs)
  foreach(page IN LISTS HWACME_MAN_PAGES)
    set(output ${PROJECT_BINARY_DIR}/man/${page})
    add_custom_command(OUTPUT ${output}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/man
      COMMAND sh -c "\"$1\" <\"$2\" >\"$3\"" sh ${HWACME_SCDOC}
              ${PROJECT_SOURCE_DIR}/docs/man/${page}.scd ${output}
      DEPENDS ${PROJECT_SOURCE_DIR}/docs/man/${page}.scd
      COMMENT "scdoc ${page}"
      VERBATIM)
    list(APPEND man_outputs ${output})
  endforeach()
  add_custom_target(man ALL DEPENDS ${man_outputs})
else()
  message(STATUS "scdoc not found: the man pages are not built (Debian package scdoc)")
  # `--target hwacme man` works either way.
  add_custom_target(man COMMAND ${CMAKE_COMMAND} -E echo "scdoc not found: no man pages")
endif()
