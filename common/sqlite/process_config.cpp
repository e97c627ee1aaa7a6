#include "common/sqlite/process_config.h"

#include <sqlite3.h>

#include <mutex>

namespace smg::sqlite {

void configure_process() {
  static std::once_flag once;
  // SQLITE_MISUSE if SQLite was initialised already (by code outside smg): harmless, the
  // defaults stay.
  std::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

}  // namespace smg::sqlite
