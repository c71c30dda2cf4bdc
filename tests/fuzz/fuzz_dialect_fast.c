// seeds: corpus/streams ../shared/corpus-real corpus/sse tests/fuzz/regress
/* libFuzzer target: fuzz_dialect.c without the callback-stop and failed-allocation runs; every other invariant of
 * fuzz_dialect.c is checked, for many more inputs a second (CI's short runs). */
#define FZ_FAST 1
#include "fuzz_dialect.c"
