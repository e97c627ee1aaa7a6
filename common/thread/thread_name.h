// Names the calling thread as `top -H`, `ps -L` and debuggers show it (Linux keeps the first 15
// bytes), e.g. set_thread_name("smg-serve").
#pragma once

namespace smg {

void set_thread_name(const char* name);

}  // namespace smg
