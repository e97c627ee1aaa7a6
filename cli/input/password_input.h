// Reading a password for smgctl without putting it on argv: a no-echo prompt on a terminal, or
// the first line of stdin when stdin is a pipe or file, e.g. `printf '%s\\n' "$PW" | smgctl ...`.
//
// On a terminal the prompt goes to stderr, echo is turned off while typing (and restored on
// Ctrl-C, which exits 130), and with `confirm` the password is asked twice. From stdin the first
// line is taken, without its trailing "\n" or "\r\n".
// Failures throw UsageError (exit 2): no input, an empty password, or two entries that differ.
//
//   smg::crypto::Secret password = smg::cli::read_password(context, {.confirm = true});
//   auto hash = smg::bcrypt::hash_password(password.reveal());
#pragma once

#include "cli/cli_context.h"
#include "common/crypto/crypto.h"

namespace smg::cli {

struct PasswordRequest {
  bool confirm = false;  // on a terminal, ask twice and require a match
  const char* prompt = "Password: ";
};

crypto::Secret read_password(CliContext& context, const PasswordRequest& request);

}  // namespace smg::cli
