// seeds: corpus/sse ../shared/corpus-real tests/fuzz/regress
/* libFuzzer target: fuzz_sse.c without the reference SSE decoder: the split run is compared with the whole run; every other invariant of
 * fuzz_sse.c is checked, for many more inputs a second (CI's short runs). */
#define FZ_FAST 1
#include "fuzz_sse.c"
