/* Internal: what the stream needs of the SSE decoder besides its public
 * functions (src/sse.c). */
#ifndef LLMJ_SSE_INT_H
#define LLMJ_SSE_INT_H

#include <llmjson.h>

/* Between pieces: buffers that a large piece made grow (each piece reserves
 * for its own size first) and that now hold little go back to a small size,
 * so a stream waiting for the network keeps about 1 KiB here, whatever the
 * size of the pieces it was fed. The next piece reserves what it needs. */
void llmj__sse_rest(llmj_sse *s);

#endif
