# Where `cmake --install` puts smgctl's companions, and the Debian package CPack builds from the
# same install tree (`cpack -G DEB` in build/). The binary's own rule is in cli/CMakeLists.txt.
include(GNUInstallDirs)

install(FILES ${CMAKE_SOURCE_DIR}/completions/smgctl.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME smgctl)
install(FILES ${CMAKE_SOURCE_DIR}/completions/_smgctl
        DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(FILES ${CMAKE_SOURCE_DIR}/completions/smgctl.fish
        DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)
# Every committed page, whatever command groups exist when this runs.
install(DIRECTORY ${CMAKE_SOURCE_DIR}/man/ DESTINATION ${CMAKE_INSTALL_MANDIR}/man1
        FILES_MATCHING PATTERN "*.1")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME smgctl)
set(CPACK_PACKAGE_VENDOR "smg")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "auth-first model gateway for self-hosted LLM fleets, and its admin CLI")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "auth-first model gateway for self-hosted LLM fleets, and its admin CLI
 smgctl is both the gateway (smgctl serve: an OpenAI-compatible data plane
 proxied to SGLang/vLLM-style workers, and an authenticated control plane)
 and the admin toolkit around it: remote management, contexts, an
 interactive shell, key and JWT tools. Shell completions for bash, zsh and
 fish and man pages are included.")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "smg maintainers <smg-maintainers@example.org>")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# Depends: computed by dpkg-shlibdeps from the libraries smgctl links (libcurl, libssl, libedit...).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)
include(CPack)
