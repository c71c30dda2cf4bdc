// seeds: corpus/json ../shared/jsontestsuite/test_parsing tests/fuzz/regress
/* libFuzzer target: fuzz_tracker.c without the O(n^2) reference salvage (tests/ref) and the salvage kept after every piece; every other invariant of
 * fuzz_tracker.c is checked, for many more inputs a second (CI's short runs). */
#define FZ_FAST 1
#include "fuzz_tracker.c"
