#pragma once
// Names the calling thread, so `top -H`, `perf` and /proc tell iamd's threads apart. Not for the
// main thread: its name is the process's (what `ps` and `pkill iamd` match).

#include <pthread.h>

namespace iamd::core {

/// `name` is cut to 15 characters by the kernel.
inline void name_this_thread(const char* name) { ::pthread_setname_np(::pthread_self(), name); }

}  // namespace iamd::core
