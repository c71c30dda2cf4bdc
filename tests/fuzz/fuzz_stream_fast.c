// seeds: corpus/streams ../shared/corpus-real corpus/sse tests/fuzz/regress
/* libFuzzer target: fuzz_stream.c without the reset pass and the callback-stop run; every other invariant of
 * fuzz_stream.c is checked, for many more inputs a second (CI's short runs). */
#define FZ_FAST 1
#include "fuzz_stream.c"
