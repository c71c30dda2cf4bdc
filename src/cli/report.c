/* llmjson tool — JSON output shared by the subcommands: strings, errors and
 * the salvage report object (see cli.h and docs/cli.md). */
#include "cli.h"

#include <inttypes.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s[0:len] (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0 when it is not one. */
static size_t utf8_sequence(const unsigned char *s, size_t len)
{
    unsigned char c = s[0];
    unsigned char lo = 0x80, hi = 0xBF;
    size_t n;

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else
        return 0;
    if (len < n)
        return 0;
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return n;
}

int cli_print_json_string(FILE *out, const char *str, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;

    putc('"', out);
    while (i < len) {
        unsigned char c = s[i];
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            /* a run of plain ASCII in one call */
            size_t j = i + 1;
            while (j < len && s[j] >= 0x20 && s[j] < 0x80 && s[j] != '"' && s[j] != '\\')
                j++;
            fwrite(s + i, 1, j - i, out);
            i = j;
            continue;
        }
        switch (c) {
        case '"': fputs("\\\"", out); i++; continue;
        case '\\': fputs("\\\\", out); i++; continue;
        case '\b': fputs("\\b", out); i++; continue;
        case '\f': fputs("\\f", out); i++; continue;
        case '\n': fputs("\\n", out); i++; continue;
        case '\r': fputs("\\r", out); i++; continue;
        case '\t': fputs("\\t", out); i++; continue;
        default: break;
        }
        if (c < 0x20) {
            fputs("\\u00", out);
            putc(hex[c >> 4], out);
            putc(hex[c & 15], out);
            i++;
            continue;
        }
        size_t n = utf8_sequence(s + i, len - i);
        if (n == 0) {
            fputs("\\ufffd", out);
            i++;
        } else {
            fwrite(s + i, 1, n, out);
            i += n;
        }
    }
    putc('"', out);
    return ferror(out) ? -1 : 0;
}

int cli_print_error(FILE *out, const llmj_error *err)
{
    if (err == NULL || err->code == LLMJ_OK) {
        fputs("null", out);
        return ferror(out) ? -1 : 0;
    }
    const char *msg = err->message != NULL ? err->message : llmj_strerror(err->code);
    fprintf(out, "{\"offset\":%" PRIu64 ",\"line\":%" PRIu64 ",\"column\":%" PRIu64
                 ",\"message\":",
            err->offset, err->line, err->column);
    cli_print_json_string(out, msg, strlen(msg));
    putc('}', out);
    return ferror(out) ? -1 : 0;
}

int cli_print_closed(FILE *out, const llmj_salvage *s)
{
    putc('[', out);
    for (size_t i = 0; i < s->nclosed; i++) {
        if (i > 0)
            putc(',', out);
        cli_print_json_string(out, s->closed_pointer, s->closed_len[i]);
    }
    putc(']', out);
    return ferror(out) ? -1 : 0;
}

int cli_print_report(FILE *out, const llmj_salvage *s, const char *text, size_t len)
{
    return cli_print_report_schema(out, s, text, len, NULL);
}

int cli_print_report_schema(FILE *out, const llmj_salvage *s, const char *text, size_t len,
                            llmj_tracker *t)
{
    fputs("{\"status\":", out);
    const char *status = llmj_text_status_name(s->status);
    cli_print_json_string(out, status, strlen(status));
    fprintf(out, ",\"bytes_kept\":%" PRIu64 ",\"closed\":", s->bytes_kept);
    cli_print_closed(out, s);
    fputs(",\"error\":", out);
    cli_print_error(out, s->status == LLMJ_TEXT_INVALID ? &s->error : NULL);
    if (text != NULL) {
        fputs(",\"text\":", out);
        cli_print_json_string(out, text, len);
    }
    if (t != NULL) /* --schema (src/cli/schema.c) */
        cli_print_schema_member(out, t);
    putc('}', out);
    return ferror(out) ? -1 : 0;
}

int cli_print_failed_report(FILE *out, const llmj_error *err)
{
    fputs("{\"status\":\"invalid\",\"bytes_kept\":0,\"closed\":[],\"error\":", out);
    cli_print_error(out, err);
    fputs(",\"text\":\"\"}", out);
    return ferror(out) ? -1 : 0;
}
