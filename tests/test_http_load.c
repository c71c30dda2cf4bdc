/* libcurl loaded at run time (src/http_curl.c): the loader's messages for a
 * library that is absent and for one that is not libcurl; a process linked
 * as the tool is (libllmjson.a and its libraries, no -lcurl) has no libcurl
 * mapped until llmj_global_init() or a request needs it, and
 * llmj_global_cleanup() before that loads nothing. In a build with
 * CURL=link the loader cannot fail: only that it fills the table, and that
 * libcurl is there from the start, are checked (one NOTICE line). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <llmjson.h>
#include <llmjson/http.h>

#include <stdio.h>
#include <string.h>

#include "http_curl.h"
#include "support/testutil.h"

/* Is a libcurl mapped into this process (/proc/self/maps)? -1: no maps. */
static int curl_mapped(void)
{
    FILE *f = fopen("/proc/self/maps", "r");
    if (!f)
        return -1;
    char line[4096];
    int found = 0;
    while (!found && fgets(line, sizeof line, f))
        found = strstr(line, "/libcurl") != NULL;
    fclose(f);
    return found;
}

/* A zeroed table, as the loader leaves it after a failure. */
static int table_zero(const llmj__curl *cu)
{
    static const llmj__curl zero;
    return memcmp(cu, &zero, sizeof zero) == 0;
}

static void test_table_filled(void **state)
{
    (void)state;
    llmj__curl cu;
    char why[256] = "unchanged";
    assert_int_equal(llmj__curl_open(&cu, NULL, why, sizeof why), 0);
    assert_string_equal(why, "");
    assert_non_null(cu.global_init);
    assert_non_null(cu.easy_setopt);
    assert_non_null(cu.multi_poll);
    assert_non_null(cu.getdate);
    /* a call through the table: libcurl's date parser */
    assert_int_equal((long)cu.getdate("Wed, 21 Oct 2015 07:28:00 GMT", NULL), 1445412480L);
    assert_string_equal(cu.easy_strerror(CURLE_OK), "No error");
    llmj__curl_close(&cu);
    assert_true(table_zero(&cu));
    llmj__curl_close(&cu); /* closing a zeroed table again: a no-op */
}

#ifndef LLMJ_CURL_LINK

static void test_not_loaded_at_start(void **state)
{
    (void)state;
    int m = curl_mapped();
    if (m < 0) {
        printf("NOTICE: /proc/self/maps unreadable: whether libcurl is mapped at start not checked\n");
        return;
    }
    if (m)
        fail_msg("libcurl is mapped before anything asked for it: is it linked again?");
    /* a cleanup with nothing set up loads nothing (RTLD_NOLOAD) */
    llmj_global_cleanup();
    assert_int_equal(curl_mapped(), 0);
    llmj__curl cu;
    assert_int_equal(llmj__curl_open_loaded(&cu), -1);
    assert_true(table_zero(&cu));
}

static void test_absent_library(void **state)
{
    (void)state;
    llmj__curl cu;
    memset(&cu, 0xAB, sizeof cu);
    char why[256];
    assert_int_equal(llmj__curl_open(&cu, "libcurl-absent.so.4", why, sizeof why), -1);
    assert_true(table_zero(&cu));
    if (strncmp(why, "libcurl could not be loaded: libcurl-absent.so.4: ", 50) != 0 ||
        !strstr(why, "No such file or directory"))
        fail_msg("the message for an absent library: %s", why);
    /* a short buffer: cut, still a C string; none at all: no message */
    char small[16];
    assert_int_equal(llmj__curl_open(&cu, "libcurl-absent.so.4", small, sizeof small), -1);
    assert_string_equal(small, "libcurl could n");
    assert_int_equal(llmj__curl_open(&cu, "libcurl-absent.so.4", NULL, 0), -1);
    assert_int_equal(curl_mapped(), 0);
}

static void test_library_not_libcurl(void **state)
{
    (void)state;
    /* the C library opens, and lacks the first function looked for */
    llmj__curl cu;
    char why[256];
    assert_int_equal(llmj__curl_open(&cu, "libc.so.6", why, sizeof why), -1);
    assert_true(table_zero(&cu));
    assert_string_equal(why, "libcurl could not be loaded: libc.so.6 lacks curl_global_init");
}

/* What the tool does: global init (libcurl loaded then, and kept), a
 * request and a multi made and freed, global cleanup; every allocation of
 * ours given back. */
static void test_loaded_on_demand(void **state)
{
    (void)state;
    tu_alloc ta;
    memset(&ta, 0, sizeof ta);
    llmj_config cfg;
    llmj_config_init(&cfg);
    cfg.alloc = tu_allocator(&ta);
    assert_int_equal(llmj_global_init(), LLMJ_OK);
    assert_int_not_equal(curl_mapped(), 0);
    llmj__curl cu;
    assert_int_equal(llmj__curl_open_loaded(&cu), 0);
    llmj__curl_close(&cu);
    llmj_http_options o;
    llmj_http_options_init(&o);
    o.url = "http://127.0.0.1:9/v1/chat/completions";
    o.api_key = "";
    llmj_http *h = NULL;
    assert_int_equal(llmj_http_new(&h, &cfg, &o, NULL, NULL), LLMJ_OK);
    llmj_http_multi *m = NULL;
    assert_int_equal(llmj_http_multi_new(&m, &cfg), LLMJ_OK);
    assert_int_equal(llmj_http_multi_add(m, h), LLMJ_OK);
    llmj_http_multi_free(m); /* the transfer stopped, h kept */
    assert_int_equal(llmj_http_get_result(h)->status, LLMJ_CANCELLED);
    llmj_http_free(h);
    llmj_global_cleanup();
    assert_int_equal(ta.live, 0);
    /* libcurl stays (RTLD_NODELETE): its global state with it */
    assert_int_not_equal(curl_mapped(), 0);
}

#else /* CURL=link */

static void test_linked(void **state)
{
    (void)state;
    printf("NOTICE: built with CURL=link: the run-time loader's failures not tested\n");
    llmj__curl cu;
    assert_int_equal(llmj__curl_open(&cu, "libcurl-absent.so.4", NULL, 0), 0);
    assert_non_null(cu.multi_poll);
    llmj__curl_close(&cu);
    assert_int_equal(llmj__curl_open_loaded(&cu), 0);
    llmj__curl_close(&cu);
    assert_int_not_equal(curl_mapped(), 0);
    assert_int_equal(llmj_global_init(), LLMJ_OK);
    llmj_global_cleanup();
}

#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
#ifndef LLMJ_CURL_LINK
        cmocka_unit_test(test_not_loaded_at_start), /* first: nothing loaded yet */
        cmocka_unit_test(test_absent_library),
        cmocka_unit_test(test_library_not_libcurl),
        cmocka_unit_test(test_loaded_on_demand),
#else
        cmocka_unit_test(test_linked),
#endif
        cmocka_unit_test(test_table_filled),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
