/* The structural classifier's paths (src/scan.h): which one runs. */
#include <stdlib.h>
#include <string.h>

#include "scan.h"

/* ---- choosing a path -------------------------------------------------------- */

static const char *const k_names[LLMJ__SCAN_PATHS] = { "portable", "sse2", "avx2" };

const char *llmj__scan_path_name(int path)
{
    return path >= 0 && path < LLMJ__SCAN_PATHS ? k_names[path] : "?";
}

int llmj__scan_path_supported(int path)
{
    switch (path) {
    case LLMJ__SCAN_PORTABLE:
        return 1;
#ifdef LLMJ__SCAN_X86
    case LLMJ__SCAN_SSE2:
        return 1;
    case LLMJ__SCAN_AVX2:
        return __builtin_cpu_supports("avx2") ? 1 : 0;
#endif
    default:
        return 0;
    }
}

int llmj__scan_path_default(void)
{
    const char *want = getenv("LLMJ_SCAN");
    if (want)
        for (int k = 0; k < LLMJ__SCAN_PATHS; k++)
            if (strcmp(want, k_names[k]) == 0 && llmj__scan_path_supported(k))
                return k;
    for (int k = LLMJ__SCAN_PATHS - 1; k > 0; k--)
        if (llmj__scan_path_supported(k))
            return k;
    return LLMJ__SCAN_PORTABLE;
}

llmj__masks llmj__classify(int path, const unsigned char *p)
{
#ifdef LLMJ__SCAN_X86
    if (path == LLMJ__SCAN_AVX2 && llmj__scan_path_supported(path))
        return llmj__classify_avx2(p);
    if (path == LLMJ__SCAN_SSE2)
        return llmj__classify_sse2(p);
#else
    (void)path;
#endif
    return llmj__classify_portable(p);
}
