/* llmjson tool — JSON output shared by the subcommands: strings, errors and
 * the salvage report object (see cli.h and docs/cli.md). */
#include "cli.h"
#include "unicode.h" /* llmj__utf8_seq, llmj__esc_json */

#include <inttypes.h>
#include <string.h>

int cli_print_json_string(FILE *out, const char *str, size_t len)
{
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
        char esc[8];
        size_t k = llmj__esc_json(esc, c);
        if (k) {
            fwrite(esc, 1, k, out);
            i++;
            continue;
        }
        size_t n = llmj__utf8_seq(s + i, len - i);
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
