/* libcurl, resolved at run time (http_curl.h): the table of libcurl's
 * functions src/http.c calls, filled from a dlopen()ed libcurl, or with the
 * addresses of a linked one (CURL=link). */
#include "http_curl.h"

#include <stdio.h>
#include <string.h>

#ifndef LLMJ_CURL_LINK
#include <dlfcn.h>
#endif

/* Every function of the table, once: X(member) for curl_<member>. The first
 * is the one a library that is not libcurl is found to lack. */
#define LLMJ__CURL_FUNCS(X)                                                                            \
    X(global_init) X(global_cleanup) X(easy_init) X(easy_cleanup) X(easy_setopt) X(easy_getinfo)        \
    X(easy_strerror) X(multi_init) X(multi_cleanup) X(multi_add_handle) X(multi_remove_handle)         \
    X(multi_perform) X(multi_poll) X(multi_info_read) X(slist_append) X(slist_free_all) X(getdate)

/* Each member has the type of the function it holds: the two pointers meet
 * in a conditional, which the compiler refuses (a pointer type mismatch,
 * -Werror) unless their types are compatible; it is never evaluated
 * (sizeof), so nothing refers to libcurl's symbols in a build that loads it. */
#define TYPE_CHECK(m) (void)sizeof(0 ? cu->m : curl_##m);

#ifdef LLMJ_CURL_LINK

#define LINK(m) cu->m = curl_##m;

static int fill(llmj__curl *cu)
{
    memset(cu, 0, sizeof *cu);
    LLMJ__CURL_FUNCS(LINK)
    return 0;
}

int llmj__curl_open(llmj__curl *cu, const char *name, char *why, size_t cap)
{
    (void)name;
    if (why && cap)
        why[0] = 0;
    return fill(cu);
}

int llmj__curl_open_loaded(llmj__curl *cu)
{
    return fill(cu);
}

void llmj__curl_close(llmj__curl *cu)
{
    memset(cu, 0, sizeof *cu);
}

#else /* dlopen */

/* dlsym() gives a void *; POSIX requires it to convert to a function
 * pointer, which ISO C does not define: the bytes are copied instead. */
typedef void (*any_fn)(void);
_Static_assert(sizeof(void *) == sizeof(any_fn), "a function pointer is the size of a void *");

/* One function into *dst (a member of the table); -1 when it is missing. */
static int resolve(void *dl, const char *lib, const char *sym, void *dst, char *why, size_t cap)
{
    void *p = dlsym(dl, sym);
    if (!p) {
        if (why && cap)
            snprintf(why, cap, "libcurl could not be loaded: %s lacks %s", lib, sym);
        return -1;
    }
    memcpy(dst, &p, sizeof p);
    return 0;
}

#define RESOLVE(m)                                                                                     \
    TYPE_CHECK(m)                                                                                      \
    if (resolve(cu->dl, lib, "curl_" #m, &cu->m, why, cap) != 0)                                       \
        goto fail;

static int open_lib(llmj__curl *cu, const char *name, int flags, char *why, size_t cap)
{
    memset(cu, 0, sizeof *cu);
    if (why && cap)
        why[0] = 0;
    flags |= RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE;
    const char *lib = name ? name : LLMJ__CURL_SONAME;
    cu->dl = dlopen(lib, flags);
    if (!cu->dl) {
        /* the first name's error is the one that matters */
        const char *e = dlerror();
        if (why && cap)
            snprintf(why, cap, "libcurl could not be loaded: %s", e ? e : "dlopen failed");
        if (!name) {
            lib = "libcurl.so";
            cu->dl = dlopen(lib, flags);
        }
        if (!cu->dl) {
            (void)dlerror(); /* nothing of ours left pending for the program */
            return -1;
        }
        if (why && cap)
            why[0] = 0;
    }
    LLMJ__CURL_FUNCS(RESOLVE)
    return 0;
fail:
    llmj__curl_close(cu);
    return -1;
}

int llmj__curl_open(llmj__curl *cu, const char *name, char *why, size_t cap)
{
    return open_lib(cu, name, 0, why, cap);
}

int llmj__curl_open_loaded(llmj__curl *cu)
{
    return open_lib(cu, NULL, RTLD_NOLOAD, NULL, 0);
}

void llmj__curl_close(llmj__curl *cu)
{
    if (cu->dl)
        dlclose(cu->dl);
    memset(cu, 0, sizeof *cu);
}

#endif
