// Process-wide SQLite settings, applied once before the first database is opened: memory
// statistics off (each SQLite allocation otherwise takes a global mutex; the request-log writer
// spent ~14% of its time there). Every store calls this before sqlite3_open_v2; it is a no-op
// after the first call.
#pragma once

namespace smg::sqlite {

void configure_process();

}  // namespace smg::sqlite
