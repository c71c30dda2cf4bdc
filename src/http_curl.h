/* Internal: libcurl, resolved at run time. src/http.c calls libcurl only
 * through a table of its functions (llmj__curl), which every llmj_http and
 * every llmj_http_multi owns. It is filled in one of two ways, chosen when
 * the library is built:
 *
 * - CURL=dlopen (the default): libcurl is loaded with dlopen() when a table
 *   is opened (LLMJ__CURL_SONAME, else "libcurl.so"), each function found
 *   with dlsym(). A process that never sets up a transfer never loads it
 *   (the dynamic loader's work for libcurl and its thirty-odd libraries is
 *   several milliseconds of every start). The library is opened with
 *   RTLD_NODELETE, so it stays once loaded and libcurl's global state
 *   (curl_global_init) outlives the tables; each open after the first is a
 *   reference count taken and some symbol look-ups.
 * - CURL=link (-DLLMJ_CURL_LINK): libcurl is linked (-lcurl); the table holds
 *   the functions' addresses and opening it cannot fail.
 *
 * The table's members have libcurl's own types (<curl/curl.h>); each
 * function is checked against its declaration when this file's code is
 * compiled, whichever way the table is filled. */
#ifndef LLMJ_HTTP_CURL_H
#define LLMJ_HTTP_CURL_H

#include <curl/curl.h>
#include <stddef.h>
#include <time.h>

/* The name dlopen() is given first: libcurl's ABI (its soname). */
#ifndef LLMJ__CURL_SONAME
#define LLMJ__CURL_SONAME "libcurl.so.4"
#endif

typedef struct llmj__curl {
    void *dl; /* the dlopen() handle; NULL when libcurl is linked */
    CURLcode (*global_init)(long flags);
    void (*global_cleanup)(void);
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *curl);
    CURLcode (*easy_setopt)(CURL *curl, CURLoption option, ...);
    CURLcode (*easy_getinfo)(CURL *curl, CURLINFO info, ...);
    const char *(*easy_strerror)(CURLcode code);
    CURLM *(*multi_init)(void);
    CURLMcode (*multi_cleanup)(CURLM *multi);
    CURLMcode (*multi_add_handle)(CURLM *multi, CURL *curl);
    CURLMcode (*multi_remove_handle)(CURLM *multi, CURL *curl);
    CURLMcode (*multi_perform)(CURLM *multi, int *running);
    CURLMcode (*multi_poll)(CURLM *multi, struct curl_waitfd extra_fds[], unsigned int extra_nfds, int timeout_ms,
                            int *ret);
    CURLMsg *(*multi_info_read)(CURLM *multi, int *msgs_in_queue);
    struct curl_slist *(*slist_append)(struct curl_slist *list, const char *data);
    void (*slist_free_all)(struct curl_slist *list);
    time_t (*getdate)(const char *p, const time_t *unused);
} llmj__curl;

/* Fill *cu: libcurl loaded (name: the library to open; NULL for
 * LLMJ__CURL_SONAME, then "libcurl.so") and every function found. 0, or -1
 * with *cu zeroed and why (cap bytes, NUL-terminated; may be NULL) saying
 * what failed, e.g. "libcurl could not be loaded: libcurl.so.4: cannot open
 * shared object file: No such file or directory" or "libcurl could not be
 * loaded: libcurl.so.4 lacks curl_multi_poll". Nothing is allocated but
 * dlopen()'s own; nothing is printed. With CURL=link: always 0. */
int llmj__curl_open(llmj__curl *cu, const char *name, char *why, size_t cap);

/* The same, only when libcurl is already loaded in the process (RTLD_NOLOAD,
 * the default names): -1 when it is not (or cannot be resolved). */
int llmj__curl_open_loaded(llmj__curl *cu);

/* Give back what llmj__curl_open() took (libcurl itself stays loaded); *cu
 * is zeroed. A zeroed table is a no-op. */
void llmj__curl_close(llmj__curl *cu);

#endif
