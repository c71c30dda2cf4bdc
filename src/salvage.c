/* Salvage: the longest valid prefix (docs/salvage.md), in O(depth).
 *
 * The scanner keeps the latest safe point (last_safe). Between that point and
 * the current position no container opened or closed (both are safe points
 * themselves), so the containers open at the cut are exactly the ones open
 * now, and the closer is read off the level stack. */
#include <string.h>

#include "tracker_int.h"

llmj_status llmj__salvage(llmj_tracker *t, llmj_salvage_mode mode, llmj_salvage *out)
{
    memset(out, 0, sizeof *out);
    out->error.message = "";
    out->runaway_offset = UINT64_MAX;

    int invalid = t->err.code == LLMJ_INVALID || t->err.code == LLMJ_TOO_DEEP ||
                  t->err.code == LLMJ_TOO_LONG;
    if (t->runaway_at != UINT64_MAX) {
        out->status = LLMJ_TEXT_RUNAWAY;
        out->runaway = t->runaway_kind;
        out->runaway_offset = t->runaway_at;
    } else if (invalid) {
        out->status = LLMJ_TEXT_INVALID;
        out->error = t->err;
    } else if (t->st == ST_DONE) {
        out->status = LLMJ_TEXT_COMPLETE;
    } else if (!t->started) {
        out->status = LLMJ_TEXT_EMPTY;
    } else {
        out->status = LLMJ_TEXT_TRUNCATED;
    }

    uint64_t k = t->last_safe;
    size_t c = 0;
    /* Greedy: only a partial string value is kept (a partial number would be
     * a different value, not an unfinished one). */
    if (mode == LLMJ_SALVAGE_GREEDY && !invalid && t->st >= ST_STR && t->st <= ST_STR_LOW2 &&
        !t->is_key) {
        k = t->str_safe;
        t->closer[c++] = '"';
    }
    out->bytes_kept = k;

    /* Closers and closed pointers, innermost first. Every open container has
     * been seen by the yajl side (containers are whole tokens); if yajl ever
     * fell behind, the deepest known pointer stands in. */
    size_t known = t->ydepth < t->sdepth ? t->ydepth : t->sdepth;
    for (size_t j = 0; j < t->sdepth; j++) {
        size_t lvl = t->sdepth - 1 - j;
        t->closer[c++] = t->lv[lvl].skind == '{' ? '}' : ']';
        t->closed[j] = lvl < known ? t->lv[lvl].ptr_len : t->ptr.len;
    }
    t->closer[c] = '\0';
    out->closer = t->closer;
    out->closer_len = c;
    out->nclosed = t->sdepth;
    out->closed_pointer = t->ptr.data ? t->ptr.data : "";
    out->closed_len = t->closed;
    return LLMJ_OK;
}

llmj_status llmj_tracker_repair(llmj_tracker *t, llmj_salvage_mode mode, llmj_salvage *info,
                                const char **text, size_t *len)
{
    if (!t || !text || !len)
        return LLMJ_MISUSE;
    if (!t->cfg.keep_text)
        return LLMJ_MISUSE;
    llmj_salvage s;
    llmj__flush(t);
    llmj_status rc = llmj__salvage(t, mode, &s);
    if (rc != LLMJ_OK)
        return rc;
    if (llmj__buf_repair_inc(&t->repair, &t->a, t->text.data, &s, &t->repair_valid))
        return LLMJ_NOMEM;
    if (info)
        *info = s;
    *text = t->repair.data;
    *len = t->repair.len;
    return LLMJ_OK;
}
