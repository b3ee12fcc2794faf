# Installation rules (cmake --install): the executable, systemd units, example hooks, docs,
# man pages, bash completion.
#   cmake --install build                     # /usr/local
#   cmake --install build --prefix /usr       # as a distribution package would
#   DESTDIR=/tmp/stage cmake --install build --prefix /usr
include(GNUInstallDirs)

# Not GNUInstallDirs' LIBDIR: on Debian that is lib/x86_64-linux-gnu, where systemd never looks.
set(HWACME_SYSTEMD_UNITDIR "lib/systemd/system" CACHE STRING
    "where hwacme.service and hwacme.timer go, relative to the install prefix")

install(TARGETS hwacme RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# The unit's ExecStart= names the installed executable, so it is configured when installing,
# with the prefix given then (`--prefix` may differ from CMAKE_INSTALL_PREFIX at configure time),
# into a folder of that prefix's own so that concurrent installs do not share a file.
install(CODE "
  set(CMAKE_INSTALL_FULL_BINDIR \"${CMAKE_INSTALL_BINDIR}\")
  set(CMAKE_INSTALL_FULL_DOCDIR \"${CMAKE_INSTALL_DOCDIR}\")
  foreach(dir BINDIR DOCDIR)
    if(NOT IS_ABSOLUTE \"\${CMAKE_INSTALL_FULL_\${dir}}\")
      set(CMAKE_INSTALL_FULL_\${dir} \"\${CMAKE_INSTALL_PREFIX}/\${CMAKE_INSTALL_FULL_\${dir}}\")
    endif()
  endforeach()
  string(MD5 prefix_hash \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}\")
  set(unit \"${PROJECT_BINARY_DIR}/dist/\${prefix_hash}/hwacme.service\")
  configure_file(\"${PROJECT_SOURCE_DIR}/dist/systemd/hwacme.service.in\" \"\${unit}\" @ONLY)
  set(unit_dir \"${HWACME_SYSTEMD_UNITDIR}\")
  if(NOT IS_ABSOLUTE \"\${unit_dir}\")
    set(unit_dir \"\${CMAKE_INSTALL_PREFIX}/\${unit_dir}\")
  endif()
  file(INSTALL DESTINATION \"\${unit_dir}\" TYPE FILE FILES \"\${unit}\")
  file(REMOVE_RECURSE \"${PROJECT_BINARY_DIR}/dist/\${prefix_hash}\")
")
install(FILES dist/systemd/hwacme.timer DESTINATION ${HWACME_SYSTEMD_UNITDIR})

install(PROGRAMS dist/hooks/nginx-reload dist/hooks/apache-reload dist/hooks/haproxy-reload
        DESTINATION ${CMAKE_INSTALL_DATADIR}/hwacme/hooks)
install(FILES dist/hooks/hook-common.sh DESTINATION ${CMAKE_INSTALL_DATADIR}/hwacme/hooks)

# Examples, not active: the credential drop-in and the OpenSSL configs for web servers whose
# key is in a TPM or a PKCS#11 token.
install(FILES dist/systemd/hwacme.service.d/pkcs11-pin-credential.conf
        DESTINATION ${CMAKE_INSTALL_DATADIR}/hwacme/examples/hwacme.service.d)
install(FILES dist/openssl/openssl-tpm2.cnf dist/openssl/openssl-pkcs11-engine.cnf
        DESTINATION ${CMAKE_INSTALL_DATADIR}/hwacme/examples)
# A configuration that renews nothing until edited; the Debian package installs it as
# /etc/hwacme/hwacme.json. Never installed into SYSCONFDIR here: a reinstall would overwrite
# the operator's configuration.
install(FILES dist/hwacme.json DESTINATION ${CMAKE_INSTALL_DATADIR}/hwacme/examples)

# Where bash-completion's loader looks for the completion of the command `hwacme`.
install(FILES dist/completion/hwacme
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
if(HWACME_SCDOC)
  install(FILES ${PROJECT_BINARY_DIR}/man/hwacme.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
  install(FILES ${PROJECT_BINARY_DIR}/man/hwacme.json.5 DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)
endif()

install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
# The man pages' sources are installed as man pages, not as an empty folder of the docs.
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR} FILES_MATCHING PATTERN "*.md"
        PATTERN man EXCLUDE)
