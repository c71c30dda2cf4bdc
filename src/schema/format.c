/* String formats. Fixed-shape formats (date, time, date-time, uuid, ipv4)
 * are checked on every prefix; the others only when the string ends. Dates
 * follow RFC 3339 (full-date, full-time, date-time with 'T'/'t' and a
 * 'Z'/'z' or numeric offset), durations ISO 8601 (RFC 3339 appendix A),
 * hostnames RFC 1123 labels, ipv6 RFC 4291 text forms, email a local part
 * of dot-atoms and a hostname domain. */
#include <string.h>

#include "schema/format.h"
#include "schema/schema_int.h"

static int dig(char c) { return c >= '0' && c <= '9'; }
static int hex(char c) { return dig(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

const char *llmj__format_name(int f)
{
    static const char *names[] = {"", "date-time", "date", "time", "duration", "email",
                                  "hostname", "ipv4", "ipv6", "uuid"};
    return f >= 0 && f <= SF_UUID ? names[f] : "";
}

/* Template shapes: D digit, H hex, other bytes literal. */
static int shape_prefix(const char *tpl, const char *s, size_t n)
{
    size_t tl = strlen(tpl);
    if (n > tl)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char t = tpl[i];
        if (t == 'D' ? !dig(s[i]) : t == 'H' ? !hex(s[i]) : (s[i] | (t == 'T' ? 0x20 : 0)) != (t == 'T' ? 't' : t))
            return 0;
    }
    return 1;
}

static int num2(const char *s) { return (s[0] - '0') * 10 + (s[1] - '0'); }

static int leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int date_ok(const char *s, size_t n)
{
    if (n != 10 || !shape_prefix("DDDD-DD-DD", s, n))
        return 0;
    int y = num2(s) * 100 + num2(s + 2), m = num2(s + 5), d = num2(s + 8);
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1)
        return 0;
    return d <= mdays[m - 1] + (m == 2 && leap(y));
}

/* RFC 3339 full-time: HH:MM:SS[.frac](Z|+HH:MM|-HH:MM) */
static int time_ok(const char *s, size_t n)
{
    if (n < 9 || !shape_prefix("DD:DD:DD", s, 8))
        return 0;
    int h = num2(s), mi = num2(s + 3), se = num2(s + 6);
    size_t i = 8;
    if (i < n && s[i] == '.') {
        i++;
        size_t f = i;
        while (i < n && dig(s[i]))
            i++;
        if (i == f)
            return 0;
    }
    if (i >= n)
        return 0;
    int oh = 0, om = 0, sign = 0;
    if (s[i] == 'Z' || s[i] == 'z') {
        if (i + 1 != n)
            return 0;
    } else if (s[i] == '+' || s[i] == '-') {
        if (n - i != 6 || !shape_prefix("+DD:DD", s + i, 6) )
            if (!(n - i == 6 && dig(s[i + 1]) && dig(s[i + 2]) && s[i + 3] == ':' && dig(s[i + 4]) && dig(s[i + 5])))
                return 0;
        oh = num2(s + i + 1);
        om = num2(s + i + 4);
        sign = s[i] == '+' ? 1 : -1;
        if (oh > 23 || om > 59)
            return 0;
    } else {
        return 0;
    }
    if (h > 23 || mi > 59 || se > 60)
        return 0;
    if (se == 60) { /* a leap second: 23:59:60 in UTC */
        int utc = h * 60 + mi - sign * (oh * 60 + om);
        utc = ((utc % 1440) + 1440) % 1440;
        if (utc != 23 * 60 + 59)
            return 0;
    }
    return 1;
}

static int duration_ok(const char *s, size_t n)
{
    /* P(nY)(nM)(nD)(T(nH)(nM)(nS)) | PnW */
    if (n < 2 || s[0] != 'P')
        return 0;
    size_t i = 1;
    const char *order = "YMD";
    int any = 0, t = 0, tany = 0;
    while (i < n) {
        if (s[i] == 'T') {
            if (t)
                return 0;
            t = 1;
            order = "HMS";
            i++;
            continue;
        }
        size_t f = i;
        while (i < n && dig(s[i]))
            i++;
        if (i == f || i == n)
            return 0;
        if (!t && s[i] == 'W') {
            return f == 1 && i + 1 == n;
        }
        const char *pos = strchr(order, s[i]);
        if (!pos || !s[i])
            return 0;
        order = pos + 1;
        any = 1;
        if (t)
            tany = 1;
        i++;
    }
    return any && (!t || tany);
}

static int label_ok(const char *s, size_t n)
{
    if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-')
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!(dig(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-'))
            return 0;
    }
    return 1;
}

static int hostname_ok(const char *s, size_t n)
{
    if (n == 0 || n > 253)
        return 0;
    size_t f = 0;
    for (size_t i = 0; i <= n; i++)
        if (i == n || s[i] == '.') {
            if (!label_ok(s + f, i - f))
                return 0;
            f = i + 1;
        }
    return 1;
}

static int email_ok(const char *s, size_t n)
{
    const char *at = NULL;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '@')
            at = s + i;
    if (!at || at == s)
        return 0;
    size_t ll = (size_t)(at - s);
    if (s[0] == '.' || s[ll - 1] == '.')
        return 0;
    for (size_t i = 0; i < ll; i++) {
        char c = s[i];
        if (c == '.' && s[i + 1] == '.')
            return 0;
        if (!(dig(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || strchr(".!#$%&'*+/=?^_`{|}~-", c)))
            return 0;
    }
    return hostname_ok(at + 1, n - ll - 1);
}

static int ipv4_ok(const char *s, size_t n)
{
    int parts = 0;
    size_t i = 0;
    while (i <= n) {
        size_t f = i;
        int v = 0;
        while (i < n && dig(s[i]))
            v = v * 10 + (s[i++] - '0');
        if (i == f || i - f > 3 || v > 255 || (i - f > 1 && s[f] == '0'))
            return 0;
        parts++;
        if (i == n)
            break;
        if (s[i] != '.')
            return 0;
        i++;
    }
    return parts == 4;
}

static int ipv6_ok(const char *s, size_t n)
{
    int groups = 0, dbl = 0;
    size_t i = 0;
    if (n >= 2 && s[0] == ':' && s[1] == ':') {
        dbl = 1;
        i = 2;
        if (n == 2)
            return 1;
    } else if (n && s[0] == ':') {
        return 0;
    }
    while (i < n) {
        size_t f = i;
        while (i < n && hex(s[i]))
            i++;
        if (i < n && s[i] == '.') { /* an embedded IPv4 ends the address */
            if (!ipv4_ok(s + f, n - f))
                return 0;
            groups += 2;
            i = n;
            break;
        }
        if (i == f || i - f > 4)
            return 0;
        groups++;
        if (i == n)
            break;
        if (s[i] != ':')
            return 0;
        i++;
        if (i < n && s[i] == ':') {
            if (dbl)
                return 0;
            dbl = 1;
            i++;
            if (i == n)
                break;
        } else if (i == n) {
            return 0;
        }
    }
    return dbl ? groups <= 7 : groups == 8;
}

int llmj__format_check(int f, const char *s, size_t n)
{
    switch (f) {
    case SF_DATE: return date_ok(s, n);
    case SF_TIME: return time_ok(s, n);
    case SF_DATE_TIME:
        return n > 11 && (s[10] == 'T' || s[10] == 't') && date_ok(s, 10) && time_ok(s + 11, n - 11);
    case SF_DURATION: return duration_ok(s, n);
    case SF_EMAIL: return email_ok(s, n);
    case SF_HOSTNAME: return hostname_ok(s, n);
    case SF_IPV4: return ipv4_ok(s, n);
    case SF_IPV6: return ipv6_ok(s, n);
    case SF_UUID:
        return n == 36 && shape_prefix("HHHHHHHH-HHHH-HHHH-HHHH-HHHHHHHHHHHH", s, n);
    default: return 1;
    }
}

int llmj__format_prefix(int f, const char *s, size_t n)
{
    switch (f) {
    case SF_DATE: return shape_prefix("DDDD-DD-DD", s, n);
    case SF_DATE_TIME: return shape_prefix("DDDD-DD-DDTDD:DD:DD", s, n < 19 ? n : 19);
    case SF_TIME: return shape_prefix("DD:DD:DD", s, n < 8 ? n : 8);
    case SF_UUID: return shape_prefix("HHHHHHHH-HHHH-HHHH-HHHH-HHHHHHHHHHHH", s, n);
    case SF_IPV4:
        for (size_t i = 0; i < n; i++)
            if (!dig(s[i]) && s[i] != '.')
                return 0;
        return n <= 15;
    default: return 1;
    }
}
