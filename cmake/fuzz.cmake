# libFuzzer ships with clang only. Every library is built with the fuzzer's coverage
# instrumentation, not just the targets: the parsers live in the libraries.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "HWACME_FUZZ needs clang (libFuzzer), not ${CMAKE_CXX_COMPILER_ID}: "
                      "configure with -DCMAKE_CXX_COMPILER=clang++-14 (scripts/fuzz does)")
endif()
if(HWACME_SANITIZE)
  message(FATAL_ERROR "HWACME_FUZZ already builds with AddressSanitizer and UBSan: "
                      "leave HWACME_SANITIZE off")
endif()
# Line tables are all a sanitizer's stack trace needs; full debug info made the build a third
# slower, and CI builds this next to two other builds.
add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
                    -fno-sanitize-recover=all -gline-tables-only)
add_link_options(-fsanitize=address,undefined)
