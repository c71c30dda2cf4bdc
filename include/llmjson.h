/* llmjson — JSON that LLMs stream, token by token: live events, runaway
 * detection, and salvage of truncated output.
 *
 * The data path (see README.md):
 *   bytes --> SSE decoder --> dialect decoder --> JSON tracker --> salvage
 *
 * Conventions for every function below:
 * - objects are opaque handles with _new/_free (free(NULL) is a no-op);
 * - every allocation goes through the configured llmj_allocator;
 * - callbacks get (ctx, borrowed data) and return 0 to go on, non-zero to stop;
 * - a failed call leaves the object usable and unchanged, results go out
 *   through out-parameters, and the library never prints.
 */
#ifndef LLMJSON_H
#define LLMJSON_H

#include "llmjson/version.h"
#include "llmjson/common.h"
#include "llmjson/tracker.h"
#include "llmjson/doc.h"
#include "llmjson/sse.h"
#include "llmjson/stream.h"
#include "llmjson/http.h"

#endif
