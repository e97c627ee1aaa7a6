// smgctl hash bcrypt | verify: bcrypt hashes for HTTP Basic users. Passwords come
// from a no-echo prompt or stdin, never argv; over 72 bytes they are refused, not truncated.
#include <memory>
#include <string>

#include "cli/commands/commands.h"
#include "cli/exit_codes.h"
#include "cli/input/password_input.h"
#include "common/bcrypt/bcrypt.h"

namespace smg::cli {
namespace {

void register_bcrypt_command(CLI::App& hash, CliContext& context) {
  auto cost = std::make_shared<int>(bcrypt::kDefaultCost);
  auto* cmd = hash.add_subcommand(
      "bcrypt", "Hash a password read from a prompt (no echo) or stdin; prints only the hash");
  cmd->add_option("--cost", *cost, "bcrypt cost factor, 4..31")
      ->check(CLI::Range(bcrypt::kMinCost, bcrypt::kMaxCost))
      ->capture_default_str();
  cmd->callback([&context, cost] {
    crypto::Secret password = read_password(context, {.confirm = true});
    Result<std::string> hashed = bcrypt::hash_password(password.reveal(), *cost);
    if (!hashed.ok()) {
      throw CommandError(exit_code_for(hashed.status()), hashed.status().message());
    }
    *context.out << *hashed << "\n";
  });
}

void register_verify_command(CLI::App& hash, CliContext& context) {
  auto stored = std::make_shared<std::string>();
  auto* cmd = hash.add_subcommand(
      "verify", "Check a password (prompt or stdin) against HASH: exit 0 match, 1 mismatch");
  cmd->add_option("HASH", *stored, "a bcrypt hash ($2a$, $2b$ or $2y$)")->required();
  cmd->callback([&context, stored] {
    // Refuse a malformed hash before asking for a password.
    if (Result<int> cost = bcrypt::parse_cost(*stored); !cost.ok()) {
      throw UsageError(cost.status().message());
    }
    crypto::Secret password = read_password(context, {});
    Result<bool> match = bcrypt::verify_password(password.reveal(), *stored);
    if (!match.ok()) {
      throw UsageError(match.status().message());
    }
    if (*match) {
      *context.err << "ok\n";
      context.exit_code = kExitOk;
      return;
    }
    *context.err << (password.size() > bcrypt::kMaxPasswordBytes
                         ? "mismatch (passwords over 72 bytes never match)\n"
                         : "mismatch\n");
    context.exit_code = kExitFailure;
  });
}

}  // namespace

void register_hash_commands(CLI::App& app, CliContext& context) {
  auto* hash = app.add_subcommand("hash", "Hash and check passwords (bcrypt)");
  hash->require_subcommand(1);
  register_bcrypt_command(*hash, context);
  register_verify_command(*hash, context);
}

}  // namespace smg::cli
