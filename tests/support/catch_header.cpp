// The source CMake builds the precompiled Catch header with (tests/CMakeLists.txt).
