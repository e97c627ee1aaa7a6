// Opening the user's browser for `smgctl login --pkce`: only where a graphical session exists
// ($DISPLAY or $WAYLAND_DISPLAY) and through xdg-open, never a shell. Over SSH or in CI the URL is
// printed and nothing is launched.
// Thread-safety: thread-safe.
//
//   if (browser_available()) open_in_browser(url);   // best effort: the URL is printed anyway
#pragma once

#include <string>

namespace smg::cli {

// True when $DISPLAY or $WAYLAND_DISPLAY is set and non-empty.
bool browser_available();

// Starts `xdg-open url` (searched in PATH) without waiting for it, its output discarded.
// False when it could not be started.
bool open_in_browser(const std::string& url);

}  // namespace smg::cli
