/* llmjson — version numbers (compile time) and llmj_version() (run time). */
#ifndef LLMJSON_VERSION_H
#define LLMJSON_VERSION_H

#define LLMJ_VERSION_MAJOR 0
#define LLMJ_VERSION_MINOR 1
#define LLMJ_VERSION_PATCH 0
#define LLMJ_VERSION_STRING "0.1.0"

/* 0xXXYYZZ: major, minor, patch, one byte each. */
#define LLMJ_VERSION_NUM \
    ((LLMJ_VERSION_MAJOR << 16) | (LLMJ_VERSION_MINOR << 8) | LLMJ_VERSION_PATCH)

/* True when the headers are at least version x.y.z. */
#define LLMJ_AT_LEAST_VERSION(x, y, z) \
    (LLMJ_VERSION_NUM >= (((x) << 16) | ((y) << 8) | (z)))

#endif
