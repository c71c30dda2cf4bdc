/* llmjson._llmjson — the CPython extension over the llmjson library.
 *
 * The library is compiled into this module (setup.py), so the module needs
 * no library path at run time. What lives here:
 *   repair()          one-shot salvage of a text (with a schema's verdict);
 *   Tracker           the JSON tracker: feed -> events, finish, salvage,
 *                     the verdict of schema= so far;
 *   Stream            raw SSE/NDJSON response bytes -> events, report;
 *   PartialObjects    the iterator behind llmjson.partial_objects(): one
 *                     tracker, a Python value built from its events;
 *   Event             one event (Tracker and Stream);
 *   Error             misuse of an object (llmjson.Error).
 * The Python layer (llmjson/__init__.py) wraps the tuples returned here
 * into Salvage objects.
 *
 * Events are collected in a C buffer (an arena of records) while the library
 * works, and turned into Python objects after it returns: the library runs
 * without the GIL on large pieces. A Tracker or Stream refuses to be entered
 * from two threads at once (Error) instead of corrupting its state. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

#include <stdio.h>
#include <string.h>

#include <llmjson.h>

#include "cli.h"

/* Pieces at least this large are worked on with the GIL released. */
#define NOGIL_MIN 65536

/* ---- module-wide helpers ------------------------------------------------ */

static PyObject *Error; /* llmjson.Error, created at import */

/* The lower-case word of a status, as `llmjson replay --report` prints it. */
static const char *const status_words[] = {
    [LLMJ_OK] = "ok",
    [LLMJ_TRUNCATED] = "truncated",
    [LLMJ_INVALID] = "invalid",
    [LLMJ_TOO_DEEP] = "too_deep",
    [LLMJ_TOO_LONG] = "too_long",
    [LLMJ_RUNAWAY_WHITESPACE] = "runaway_whitespace",
    [LLMJ_RUNAWAY_REPEAT] = "runaway_repeat",
    [LLMJ_ABORTED] = "aborted",
    [LLMJ_NOMEM] = "nomem",
    [LLMJ_MISUSE] = "misuse",
    [LLMJ_BAD_OPTION] = "bad_option",
    [LLMJ_EMPTY] = "empty",
    [LLMJ_SSE_CUT] = "sse_cut",
    [LLMJ_BAD_EVENT] = "bad_event",
    [LLMJ_PROVIDER_ERROR] = "provider_error",
    [LLMJ_UNKNOWN_DIALECT] = "unknown_dialect",
    [LLMJ_HTTP_ERROR] = "http_error",
    [LLMJ_TRANSFER] = "transfer",
    [LLMJ_TIMEOUT_CONNECT] = "timeout_connect",
    [LLMJ_TIMEOUT_TOTAL] = "timeout_total",
    [LLMJ_TIMEOUT_STALL] = "timeout_stall",
    [LLMJ_CANCELLED] = "cancelled",
    [LLMJ_IO] = "io",
    [LLMJ_JSON_MODE_PROMPT] = "json_mode_prompt",
    [LLMJ_TIMEOUT_IDLE] = "timeout_idle",
    [LLMJ_SCHEMA_UNSUPPORTED] = "schema_unsupported",
    [LLMJ_SCHEMA_VIOLATION] = "schema_violation",
    [LLMJ_NOT_A_STREAM] = "not_a_stream",
    [LLMJ_NOT_JSON] = "not_json",
};

static const char *status_word(llmj_status st)
{
    size_t i = (size_t)st;
    if (i < sizeof status_words / sizeof status_words[0] && status_words[i])
        return status_words[i];
    return "error";
}

static PyObject *str_of(const char *s, size_t len)
{
    return PyUnicode_DecodeUTF8(s ? s : "", (Py_ssize_t)len, "replace");
}

/* The bytes of a text argument: str (as UTF-8) or any bytes-like object.
 * On success view must be released with PyBuffer_Release (str: a temporary
 * bytes object is held in *keep). */
static int get_text(PyObject *obj, Py_buffer *view, PyObject **keep, const char *what)
{
    *keep = NULL;
    if (PyUnicode_Check(obj)) {
        *keep = PyUnicode_AsEncodedString(obj, "utf-8", "surrogateescape");
        if (!*keep)
            return -1;
        obj = *keep;
    } else if (!PyObject_CheckBuffer(obj)) {
        PyErr_Format(PyExc_TypeError, "%s must be str or bytes, not %.100s", what,
                     Py_TYPE(obj)->tp_name);
        return -1;
    }
    if (PyObject_GetBuffer(obj, view, PyBUF_SIMPLE) != 0) {
        Py_XDECREF(*keep);
        *keep = NULL;
        return -1;
    }
    return 0;
}

static void put_text(Py_buffer *view, PyObject *keep)
{
    PyBuffer_Release(view);
    Py_XDECREF(keep);
}

/* A size limit from a Python int (>= 0). */
static int get_size(PyObject *obj, const char *name, size_t *out)
{
    if (!PyLong_Check(obj) || PyBool_Check(obj)) {
        PyErr_Format(PyExc_TypeError, "%s must be an int, not %.100s", name,
                     Py_TYPE(obj)->tp_name);
        return -1;
    }
    size_t v = PyLong_AsSize_t(obj);
    if (v == (size_t)-1 && PyErr_Occurred()) {
        PyErr_Clear();
        PyErr_Format(PyExc_ValueError, "%s must be a non-negative int that fits a size_t", name);
        return -1;
    }
    *out = v;
    return 0;
}

/* The tracker limits every object takes. */
static int get_limits(llmj_config *cfg, PyObject *ws, PyObject *rep, PyObject *depth)
{
    llmj_config_init(cfg);
    if (ws && get_size(ws, "whitespace_limit", &cfg->whitespace_limit))
        return -1;
    if (rep && get_size(rep, "repeat_limit", &cfg->repeat_limit))
        return -1;
    if (depth && get_size(depth, "max_depth", &cfg->max_depth))
        return -1;
    return 0;
}

/* A failed _new: ValueError for a bad option, MemoryError, Error otherwise. */
static void *new_failed(llmj_status st)
{
    if (st == LLMJ_NOMEM)
        return PyErr_NoMemory();
    PyErr_Format(st == LLMJ_BAD_OPTION ? PyExc_ValueError : Error, "%s", llmj_strerror(st));
    return NULL;
}

/* (offset, line, column, message) or None. */
static PyObject *error_tuple(const llmj_error *e)
{
    if (!e || e->code == LLMJ_OK)
        Py_RETURN_NONE;
    const char *m = e->message && *e->message ? e->message : llmj_strerror(e->code);
    return Py_BuildValue("(KKKN)", (unsigned long long)e->offset, (unsigned long long)e->line,
                         (unsigned long long)e->column, str_of(m, strlen(m)));
}

/* The salvage as (status, bytes_kept, closed, error, text, closer) for
 * llmjson.Salvage, with schema (a new reference: the verdict's tuple or
 * None) as a 7th member unless it is NULL. */
static PyObject *salvage_tuple(const llmj_salvage *sv, const char *text, size_t len,
                               PyObject *schema)
{
    PyObject *closed = PyList_New((Py_ssize_t)sv->nclosed);
    if (!closed) {
        Py_XDECREF(schema);
        return NULL;
    }
    for (size_t i = 0; i < sv->nclosed; i++) {
        PyObject *p = str_of(sv->closed_pointer, sv->closed_len[i]);
        if (!p) {
            Py_DECREF(closed);
            Py_XDECREF(schema);
            return NULL;
        }
        PyList_SET_ITEM(closed, (Py_ssize_t)i, p);
    }
    PyObject *err = sv->status == LLMJ_TEXT_INVALID ? error_tuple(&sv->error) : Py_NewRef(Py_None);
    if (!err) {
        Py_DECREF(closed);
        Py_XDECREF(schema);
        return NULL;
    }
    if (schema)
        return Py_BuildValue("(sKNNNNN)", llmj_text_status_name(sv->status),
                             (unsigned long long)sv->bytes_kept, closed, err, str_of(text, len),
                             str_of(sv->closer, sv->closer_len), schema);
    return Py_BuildValue("(sKNNNN)", llmj_text_status_name(sv->status),
                         (unsigned long long)sv->bytes_kept, closed, err, str_of(text, len),
                         str_of(sv->closer, sv->closer_len));
}

/* ---- schema= ------------------------------------------------------------ */

/* Compile schema= (str or bytes: the Python layer turns a dict into JSON
 * text). ValueError says why a schema is refused, where. */
static int compile_schema(PyObject *obj, llmj_schema **out)
{
    *out = NULL;
    if (obj == Py_None)
        return 0;
    Py_buffer view;
    PyObject *keep;
    if (get_text(obj, &view, &keep, "schema"))
        return -1;
    llmj_schema_error e;
    llmj_status st = llmj_schema_compile(out, view.buf, (size_t)view.len, NULL, &e);
    put_text(&view, keep);
    if (st == LLMJ_OK)
        return 0;
    *out = NULL;
    if (st == LLMJ_SCHEMA_UNSUPPORTED && e.line)
        PyErr_Format(PyExc_ValueError, "schema: line %llu, column %llu (offset %llu): %s",
                     (unsigned long long)e.line, (unsigned long long)e.column,
                     (unsigned long long)e.offset, e.message);
    else if (st == LLMJ_SCHEMA_UNSUPPORTED)
        PyErr_Format(PyExc_ValueError, "schema: %s", e.message);
    else
        new_failed(st);
    return -1;
}

static PyObject *opt_str(const char *s)
{
    if (!s)
        Py_RETURN_NONE;
    return str_of(s, strlen(s));
}

/* The schema's verdict as (valid, violation, missing, cut) for
 * llmjson.SchemaResult: valid True/False/None; violation (pointer, offset,
 * line, column, keyword, message) or None. None when no schema is set. */
static PyObject *schema_tuple(llmj_tracker *t, const llmj_schema *schema)
{
    if (!schema)
        Py_RETURN_NONE;
    llmj_schema_result r;
    llmj_status st = llmj_tracker_schema_result(t, &r);
    if (st != LLMJ_OK)
        return new_failed(st);
    PyObject *valid = r.valid == LLMJ_SCHEMA_CONFORMING      ? Py_True
                      : r.valid == LLMJ_SCHEMA_NONCONFORMING ? Py_False
                                                             : Py_None;
    PyObject *viol;
    if (r.violation) {
        const llmj_schema_violation *v = r.violation;
        viol = Py_BuildValue("(NKKKNN)", opt_str(v->pointer), (unsigned long long)v->offset,
                             (unsigned long long)v->line, (unsigned long long)v->column,
                             opt_str(v->keyword), opt_str(v->message));
    } else {
        viol = Py_NewRef(Py_None);
    }
    if (!viol)
        return NULL;
    PyObject *missing = PyList_New((Py_ssize_t)r.nmissing);
    if (!missing) {
        Py_DECREF(viol);
        return NULL;
    }
    for (size_t i = 0; i < r.nmissing; i++) {
        PyObject *m = opt_str(r.missing[i]);
        if (!m) {
            Py_DECREF(viol);
            Py_DECREF(missing);
            return NULL;
        }
        PyList_SET_ITEM(missing, (Py_ssize_t)i, m);
    }
    return Py_BuildValue("(ONNN)", valid, viol, missing, opt_str(r.cut));
}

/* The salvage tuple with the schema's verdict as a 7th member. */
static PyObject *salvage_schema_tuple(llmj_tracker *t, const llmj_schema *schema,
                                      const llmj_salvage *sv, const char *text, size_t len)
{
    PyObject *sch = schema_tuple(t, schema);
    return sch ? salvage_tuple(sv, text, len, sch) : NULL;
}

/* ---- the event arena ---------------------------------------------------- */

enum {
    K_JSON,      /* a tracker event: sub = llmj_event_type; s0 pointer, s1 text */
    K_TEXT,      /* s1 text */
    K_REFUSAL,   /* s1 text */
    K_ARGS,      /* s1 text */
    K_TOOL,      /* s2 id, s3 name */
    K_TOOL_END,
    K_FINISH,    /* sub = llmj_finish; s2 raw */
    K_USAGE,     /* n[0..4] */
    K_ERROR      /* sub = status; s1 message, s2 type, s3 code; n[0..2] offset/line/column */
};

typedef struct rec {
    int kind, sub;
    size_t choice, tool; /* tool LLMJ_NO_TOOL: none; choice SIZE_MAX: none */
    int64_t n[5];
    size_t len[4]; /* the strings follow the record, one after another */
    size_t size;   /* the record's whole size, aligned */
} rec;

typedef struct arena {
    char *buf;
    size_t len, cap;
    int failed; /* an allocation failed: MemoryError after the call */
} arena;

/* Append a record with up to four strings. Runs without the GIL. */
static int arena_put(arena *a, const rec *r, const char *const s[4])
{
    size_t need = sizeof(rec);
    for (int i = 0; i < 4; i++)
        need += r->len[i];
    need = (need + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    if (a->len + need > a->cap) {
        size_t cap = a->cap ? a->cap : 4096;
        while (cap < a->len + need)
            cap *= 2;
        char *nb = PyMem_RawRealloc(a->buf, cap);
        if (!nb) {
            a->failed = 1;
            return 1; /* stop: the library reports LLMJ_ABORTED */
        }
        a->buf = nb;
        a->cap = cap;
    }
    rec *d = (rec *)(void *)(a->buf + a->len);
    *d = *r;
    d->size = need;
    char *p = (char *)(d + 1);
    for (int i = 0; i < 4; i++) {
        if (r->len[i])
            memcpy(p, s[i], r->len[i]);
        p += r->len[i];
    }
    a->len += need;
    return 0;
}

static void arena_reset(arena *a)
{
    a->len = 0;
    a->failed = 0;
    if (a->cap > (1u << 20)) { /* do not keep a large piece's buffer */
        PyMem_RawFree(a->buf);
        a->buf = NULL;
        a->cap = 0;
    }
}

static void arena_free(arena *a)
{
    PyMem_RawFree(a->buf);
    a->buf = NULL;
    a->len = a->cap = 0;
}

static int put_json_event(arena *a, size_t choice, size_t tool, const llmj_event *ev)
{
    rec r = {K_JSON, (int)ev->type, choice, tool, {0}, {ev->pointer_len, ev->len, 0, 0}, 0};
    const char *s[4] = {ev->pointer, ev->text, NULL, NULL};
    return arena_put(a, &r, s);
}

/* ---- Event -------------------------------------------------------------- */

typedef struct {
    PyObject_HEAD
    PyObject *type, *pointer, *text, *choice, *tool, *data;
} EventObject;

static PyTypeObject EventType;

static void Event_dealloc(EventObject *e)
{
    Py_XDECREF(e->type);
    Py_XDECREF(e->pointer);
    Py_XDECREF(e->text);
    Py_XDECREF(e->choice);
    Py_XDECREF(e->tool);
    Py_XDECREF(e->data);
    Py_TYPE(e)->tp_free((PyObject *)e);
}

static PyObject *Event_repr(EventObject *e)
{
    if (e->choice != Py_None)
        return PyUnicode_FromFormat("Event(%R, pointer=%R, text=%R, choice=%R, tool=%R, data=%R)",
                                    e->type, e->pointer, e->text, e->choice, e->tool, e->data);
    return PyUnicode_FromFormat("Event(%R, pointer=%R, text=%R)", e->type, e->pointer, e->text);
}

static PyMemberDef Event_members[] = {
    {"type", T_OBJECT, offsetof(EventObject, type), READONLY,
     "what happened: 'begin_object', 'key', 'string_chunk', 'string', 'number', ... "
     "(the C names); from a Stream also 'text', 'refusal', 'arguments', 'tool_call', "
     "'tool_call_end', 'finish', 'usage', 'error'"},
    {"pointer", T_OBJECT, offsetof(EventObject, pointer), READONLY,
     "the JSON Pointer of the value (JSON events), else None"},
    {"text", T_OBJECT, offsetof(EventObject, text), READONLY,
     "the event's text (key, string chunk, value as written, delta), else None"},
    {"choice", T_OBJECT, offsetof(EventObject, choice), READONLY,
     "Stream: the provider's choice index (None for usage/error and Tracker events)"},
    {"tool", T_OBJECT, offsetof(EventObject, tool), READONLY,
     "Stream: the tool call's number in its choice, None for the content"},
    {"data", T_OBJECT, offsetof(EventObject, data), READONLY,
     "Stream: the rest of a tool_call, finish, usage or error event as a dict, else None"},
    {NULL, 0, 0, 0, NULL},
};

static PyTypeObject EventType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "llmjson.Event",
    .tp_basicsize = sizeof(EventObject),
    .tp_dealloc = (destructor)Event_dealloc,
    .tp_repr = (reprfunc)Event_repr,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "One event of a Tracker or a Stream (read-only).",
    .tp_members = Event_members,
};

static PyObject *opt_size(size_t v)
{
    if (v == LLMJ_NO_TOOL)
        Py_RETURN_NONE;
    return PyLong_FromSize_t(v);
}

static PyObject *tokens(int64_t v)
{
    if (v < 0)
        Py_RETURN_NONE;
    return PyLong_FromLongLong(v);
}

/* The event type names, made once at import (str objects shared by every
 * Event): tracker events by llmj_event_type, stream events by kind. */
#define N_JSON_NAMES (LLMJ_EV_NULL + 1)
static PyObject *json_names[N_JSON_NAMES];
static PyObject *kind_names[K_ERROR + 1];

static int make_names(void)
{
    static const char *const kinds[] = {
        [K_JSON] = "json", [K_TEXT] = "text", [K_REFUSAL] = "refusal", [K_ARGS] = "arguments",
        [K_TOOL] = "tool_call", [K_TOOL_END] = "tool_call_end", [K_FINISH] = "finish",
        [K_USAGE] = "usage", [K_ERROR] = "error",
    };
    for (int i = 0; i < N_JSON_NAMES; i++)
        if (!json_names[i] &&
            !(json_names[i] = PyUnicode_InternFromString(
                  i ? llmj_event_type_name((llmj_event_type)i) : "unknown")))
            return -1;
    for (int i = 0; i <= K_ERROR; i++)
        if (!kind_names[i] && !(kind_names[i] = PyUnicode_InternFromString(kinds[i])))
            return -1;
    return 0;
}

/* One record as an Event. */
static PyObject *event_of(const rec *r, int from_stream)
{
    const char *p = (const char *)(r + 1);
    const char *s[4];
    for (int i = 0; i < 4; i++) {
        s[i] = p;
        p += r->len[i];
    }
    EventObject *e = PyObject_New(EventObject, &EventType);
    if (!e)
        return NULL;
    e->type = Py_NewRef(r->kind != K_JSON ? kind_names[r->kind]
                        : r->sub > 0 && r->sub < N_JSON_NAMES ? json_names[r->sub] : json_names[0]);
    e->pointer = r->kind == K_JSON ? str_of(s[0], r->len[0]) : Py_NewRef(Py_None);
    int has_text = (r->kind == K_JSON && r->sub >= LLMJ_EV_KEY) || r->kind == K_TEXT ||
                   r->kind == K_REFUSAL || r->kind == K_ARGS || r->kind == K_ERROR;
    if (r->kind == K_FINISH)
        e->text = PyUnicode_FromString(llmj_finish_name((llmj_finish)r->sub));
    else if (r->kind == K_TOOL)
        e->text = str_of(s[3], r->len[3]);
    else
        e->text = has_text ? str_of(s[1], r->len[1]) : Py_NewRef(Py_None);
    int global = r->kind == K_USAGE || r->kind == K_ERROR;
    e->choice = from_stream && !global ? PyLong_FromSize_t(r->choice) : Py_NewRef(Py_None);
    e->tool = from_stream && !global ? opt_size(r->tool) : Py_NewRef(Py_None);
    switch (r->kind) {
    case K_TOOL:
        e->data = Py_BuildValue("{s:N,s:N}", "id", str_of(s[2], r->len[2]), "name",
                                str_of(s[3], r->len[3]));
        break;
    case K_FINISH:
        e->data = Py_BuildValue("{s:s,s:N}", "finish_reason",
                                llmj_finish_name((llmj_finish)r->sub), "finish_reason_raw",
                                str_of(s[2], r->len[2]));
        break;
    case K_USAGE:
        e->data = Py_BuildValue("{s:N,s:N,s:N,s:N,s:N}", "input_tokens", tokens(r->n[0]),
                                "output_tokens", tokens(r->n[1]), "total_tokens",
                                tokens(r->n[2]), "cached_tokens", tokens(r->n[3]),
                                "reasoning_tokens", tokens(r->n[4]));
        break;
    case K_ERROR:
        e->data = Py_BuildValue("{s:s,s:N,s:N,s:N,s:L,s:L,s:L}", "status",
                                status_word((llmj_status)r->sub), "type",
                                str_of(s[2], r->len[2]), "code", str_of(s[3], r->len[3]),
                                "message", str_of(s[1], r->len[1]), "offset",
                                (long long)r->n[0], "line", (long long)r->n[1], "column",
                                (long long)r->n[2]);
        break;
    default:
        e->data = Py_NewRef(Py_None);
    }
    if (!e->type || !e->pointer || !e->text || !e->choice || !e->tool || !e->data) {
        Py_DECREF(e);
        return NULL;
    }
    return (PyObject *)e;
}

/* Every record of the arena as a list of Events; the arena is reset. */
static PyObject *arena_events(arena *a, int from_stream)
{
    if (a->failed) {
        arena_reset(a);
        return PyErr_NoMemory();
    }
    PyObject *list = PyList_New(0);
    for (size_t off = 0; list && off < a->len;) {
        const rec *r = (const rec *)(const void *)(a->buf + off);
        PyObject *e = event_of(r, from_stream);
        if (!e || PyList_Append(list, e) != 0) {
            Py_XDECREF(e);
            Py_CLEAR(list);
            break;
        }
        Py_DECREF(e);
        off += r->size;
    }
    arena_reset(a);
    return list;
}

/* ---- repair() ----------------------------------------------------------- */

static PyObject *py_repair(PyObject *self, PyObject *args, PyObject *kw)
{
    (void)self;
    static char *kwlist[] = {"text", "greedy", "complete", "whitespace_limit", "repeat_limit",
                             "max_depth", "schema", NULL};
    PyObject *text, *ws = NULL, *rep = NULL, *depth = NULL, *schema_obj = Py_None;
    int greedy = 0, complete = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|$ppOOOO:repair", kwlist, &text, &greedy,
                                     &complete, &ws, &rep, &depth, &schema_obj))
        return NULL;
    llmj_config cfg;
    if (get_limits(&cfg, ws, rep, depth))
        return NULL;
    cfg.keep_text = 1;
    cfg.string_chunks = 0;
    llmj_schema *schema;
    if (compile_schema(schema_obj, &schema))
        return NULL;
    Py_buffer view;
    PyObject *keep;
    if (get_text(text, &view, &keep, "text")) {
        llmj_schema_free(schema);
        return NULL;
    }
    llmj_tracker *t;
    llmj_status st = llmj_tracker_new(&t, &cfg, NULL, NULL);
    if (st == LLMJ_OK && schema && (st = llmj_tracker_set_schema(t, schema)) != LLMJ_OK)
        llmj_tracker_free(t);
    if (st != LLMJ_OK) {
        put_text(&view, keep);
        llmj_schema_free(schema);
        return new_failed(st);
    }
    llmj_salvage sv;
    const char *out = NULL;
    size_t out_len = 0;
    int nogil = view.len >= NOGIL_MIN;
    PyThreadState *ts = nogil ? PyEval_SaveThread() : NULL;
    llmj_tracker_feed(t, view.buf, (size_t)view.len);
    llmj_tracker_finish(t, complete ? LLMJ_END_NORMAL : LLMJ_END_TRUNCATED);
    st = llmj_tracker_repair(t, greedy ? LLMJ_SALVAGE_GREEDY : LLMJ_SALVAGE_LOSSLESS, &sv,
                             &out, &out_len);
    if (ts)
        PyEval_RestoreThread(ts);
    put_text(&view, keep);
    PyObject *res = st == LLMJ_OK ? salvage_schema_tuple(t, schema, &sv, out, out_len)
                                  : new_failed(st);
    llmj_tracker_free(t);
    llmj_schema_free(schema);
    return res;
}

/* ---- Tracker ------------------------------------------------------------ */

typedef struct {
    PyObject_HEAD
    llmj_tracker *t;
    llmj_schema *schema; /* schema=, or NULL; freed after the tracker */
    arena ev;
    int greedy;   /* the default salvage mode */
    int busy;     /* a call is inside the library (GIL released) */
    int finished;
} TrackerObject;

static int tracker_cb(void *ctx, const llmj_event *ev)
{
    return put_json_event(&((TrackerObject *)ctx)->ev, SIZE_MAX, LLMJ_NO_TOOL, ev);
}

static int Tracker_init(TrackerObject *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"greedy", "whitespace_limit", "repeat_limit", "max_depth",
                             "schema", NULL};
    PyObject *ws = NULL, *rep = NULL, *depth = NULL, *schema = Py_None;
    int greedy = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|$pOOOO:Tracker", kwlist, &greedy, &ws, &rep,
                                     &depth, &schema))
        return -1;
    if (self->t) {
        PyErr_SetString(Error, "Tracker.__init__ called twice");
        return -1;
    }
    llmj_config cfg;
    if (get_limits(&cfg, ws, rep, depth))
        return -1;
    cfg.keep_text = 1;
    if (compile_schema(schema, &self->schema))
        return -1;
    llmj_status st = llmj_tracker_new(&self->t, &cfg, tracker_cb, self);
    if (st == LLMJ_OK && self->schema && (st = llmj_tracker_set_schema(self->t, self->schema)) != LLMJ_OK) {
        llmj_tracker_free(self->t);
        self->t = NULL;
    }
    if (st != LLMJ_OK) {
        llmj_schema_free(self->schema);
        self->schema = NULL;
        new_failed(st);
        return -1;
    }
    self->greedy = greedy;
    return 0;
}

static void Tracker_dealloc(TrackerObject *self)
{
    llmj_tracker_free(self->t);
    llmj_schema_free(self->schema);
    arena_free(&self->ev);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int tracker_ready(TrackerObject *self)
{
    if (!self->t) {
        PyErr_SetString(Error, "the Tracker was not initialised");
        return -1;
    }
    if (self->busy) {
        PyErr_SetString(Error, "the Tracker is in use by another thread (a Tracker is not "
                               "shared between threads)");
        return -1;
    }
    return 0;
}

static PyObject *Tracker_feed(TrackerObject *self, PyObject *data)
{
    if (tracker_ready(self))
        return NULL;
    if (self->finished) {
        PyErr_SetString(Error, "feed() after finish()");
        return NULL;
    }
    Py_buffer view;
    PyObject *keep;
    if (get_text(data, &view, &keep, "data"))
        return NULL;
    self->busy = 1;
    if (view.len >= NOGIL_MIN) {
        Py_BEGIN_ALLOW_THREADS
        llmj_tracker_feed(self->t, view.buf, (size_t)view.len);
        Py_END_ALLOW_THREADS
    } else {
        llmj_tracker_feed(self->t, view.buf, (size_t)view.len);
    }
    self->busy = 0;
    put_text(&view, keep);
    return arena_events(&self->ev, 0);
}

static PyObject *Tracker_finish(TrackerObject *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"complete", NULL};
    int complete = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|p:finish", kwlist, &complete))
        return NULL;
    if (tracker_ready(self))
        return NULL;
    if (self->finished) {
        PyErr_SetString(Error, "finish() called twice");
        return NULL;
    }
    self->finished = 1;
    llmj_status st = llmj_tracker_finish(self->t, complete ? LLMJ_END_NORMAL : LLMJ_END_TRUNCATED);
    PyObject *evs = arena_events(&self->ev, 0); /* finish delivers no event; keep it empty */
    Py_XDECREF(evs);
    if (!evs)
        return NULL;
    return PyUnicode_FromString(status_word(st));
}

static PyObject *Tracker_salvage_tuple(TrackerObject *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"greedy", NULL};
    PyObject *g = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|O:salvage", kwlist, &g))
        return NULL;
    if (tracker_ready(self))
        return NULL;
    int greedy = self->greedy;
    if (g != Py_None && (greedy = PyObject_IsTrue(g)) < 0)
        return NULL;
    llmj_salvage sv;
    const char *text;
    size_t len;
    llmj_status st = llmj_tracker_repair(self->t, greedy ? LLMJ_SALVAGE_GREEDY
                                                         : LLMJ_SALVAGE_LOSSLESS,
                                         &sv, &text, &len);
    if (st != LLMJ_OK)
        return new_failed(st);
    return salvage_schema_tuple(self->t, self->schema, &sv, text, len);
}

static PyObject *Tracker_schema_tuple(TrackerObject *self, PyObject *unused)
{
    (void)unused;
    if (tracker_ready(self))
        return NULL;
    return schema_tuple(self->t, self->schema);
}

static PyObject *Tracker_get_status(TrackerObject *self, void *c)
{
    (void)c;
    if (tracker_ready(self))
        return NULL;
    return PyUnicode_FromString(status_word(llmj_tracker_status(self->t)));
}

static PyObject *Tracker_get_error(TrackerObject *self, void *c)
{
    (void)c;
    if (tracker_ready(self))
        return NULL;
    return error_tuple(llmj_tracker_error(self->t));
}

static PyObject *Tracker_get_depth(TrackerObject *self, void *c)
{
    (void)c;
    if (tracker_ready(self))
        return NULL;
    return PyLong_FromSize_t(llmj_tracker_depth(self->t));
}

static PyObject *Tracker_get_bytes(TrackerObject *self, void *c)
{
    (void)c;
    if (tracker_ready(self))
        return NULL;
    return PyLong_FromUnsignedLongLong(llmj_tracker_bytes(self->t));
}

static PyObject *Tracker_get_runaway_offset(TrackerObject *self, void *c)
{
    (void)c;
    if (tracker_ready(self))
        return NULL;
    uint64_t off = llmj_tracker_runaway_offset(self->t);
    if (off == UINT64_MAX)
        Py_RETURN_NONE;
    return PyLong_FromUnsignedLongLong(off);
}

static PyMethodDef Tracker_methods[] = {
    {"feed", (PyCFunction)Tracker_feed, METH_O,
     "feed(data) -> list[Event]: the next piece of the text (str or bytes)"},
    {"finish", (PyCFunction)(void (*)(void))Tracker_finish, METH_VARARGS | METH_KEYWORDS,
     "finish(complete=False) -> str: the text has ended; complete=True when the producer "
     "finished normally (a top-level number at the end is then complete)"},
    {"_salvage", (PyCFunction)(void (*)(void))Tracker_salvage_tuple,
     METH_VARARGS | METH_KEYWORDS, "internal: the salvage as a tuple"},
    {"_schema", (PyCFunction)Tracker_schema_tuple, METH_NOARGS,
     "internal: the schema's verdict so far as a tuple, or None without a schema"},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef Tracker_getset[] = {
    {"status", (getter)Tracker_get_status, NULL,
     "'ok' while viable, 'truncated'/'empty' after finish, or the sticky error: "
     "'invalid', 'too_deep', 'too_long', 'runaway_whitespace', 'runaway_repeat'", NULL},
    {"error", (getter)Tracker_get_error, NULL,
     "internal tuple (offset, line, column, message) of an invalid/too_deep/too_long "
     "status, or None", NULL},
    {"depth", (getter)Tracker_get_depth, NULL, "open containers", NULL},
    {"bytes", (getter)Tracker_get_bytes, NULL, "bytes fed", NULL},
    {"runaway_offset", (getter)Tracker_get_runaway_offset, NULL,
     "offset of a detected runaway's first byte, or None", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject TrackerType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "llmjson._llmjson.Tracker",
    .tp_basicsize = sizeof(TrackerObject),
    .tp_dealloc = (destructor)Tracker_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "The JSON tracker (C part; see llmjson.Tracker).",
    .tp_methods = Tracker_methods,
    .tp_getset = Tracker_getset,
    .tp_init = (initproc)Tracker_init,
    .tp_new = PyType_GenericNew,
};

/* ---- Stream ------------------------------------------------------------- */

typedef struct {
    PyObject_HEAD
    llmj_stream *s;
    arena ev;
    int busy;
} StreamObject;

static int s_json(void *ctx, size_t choice, size_t tool, const llmj_event *ev)
{
    return put_json_event(&((StreamObject *)ctx)->ev, choice, tool, ev);
}

static int s_delta(void *ctx, int kind, size_t choice, size_t tool, const char *text, size_t len)
{
    rec r = {kind, 0, choice, tool, {0}, {0, len, 0, 0}, 0};
    const char *s[4] = {NULL, text, NULL, NULL};
    return arena_put(&((StreamObject *)ctx)->ev, &r, s);
}

static int s_text(void *ctx, size_t choice, const char *text, size_t len)
{
    return s_delta(ctx, K_TEXT, choice, LLMJ_NO_TOOL, text, len);
}

static int s_refusal(void *ctx, size_t choice, const char *text, size_t len)
{
    return s_delta(ctx, K_REFUSAL, choice, LLMJ_NO_TOOL, text, len);
}

static int s_args(void *ctx, size_t choice, size_t tool, const char *text, size_t len)
{
    return s_delta(ctx, K_ARGS, choice, tool, text, len);
}

static int s_tool_begin(void *ctx, size_t choice, size_t tool, const char *id, size_t id_len,
                        const char *name, size_t name_len)
{
    rec r = {K_TOOL, 0, choice, tool, {0}, {0, 0, id_len, name_len}, 0};
    const char *s[4] = {NULL, NULL, id, name};
    return arena_put(&((StreamObject *)ctx)->ev, &r, s);
}

static int s_tool_end(void *ctx, size_t choice, size_t tool)
{
    rec r = {K_TOOL_END, 0, choice, tool, {0}, {0}, 0};
    const char *s[4] = {NULL, NULL, NULL, NULL};
    return arena_put(&((StreamObject *)ctx)->ev, &r, s);
}

static int s_finish(void *ctx, size_t choice, llmj_finish finish, const char *raw, size_t raw_len)
{
    rec r = {K_FINISH, (int)finish, choice, LLMJ_NO_TOOL, {0}, {0, 0, raw_len, 0}, 0};
    const char *s[4] = {NULL, NULL, raw, NULL};
    return arena_put(&((StreamObject *)ctx)->ev, &r, s);
}

static int s_usage(void *ctx, const llmj_usage *u)
{
    rec r = {K_USAGE, 0, 0, LLMJ_NO_TOOL,
             {u->input_tokens, u->output_tokens, u->total_tokens, u->cached_tokens,
              u->reasoning_tokens},
             {0}, 0};
    const char *s[4] = {NULL, NULL, NULL, NULL};
    return arena_put(&((StreamObject *)ctx)->ev, &r, s);
}

static int s_error(void *ctx, const llmj_provider_error *e)
{
    rec r = {K_ERROR, (int)e->status, 0, LLMJ_NO_TOOL,
             {(int64_t)e->offset, (int64_t)e->line, (int64_t)e->column, 0, 0},
             {0, e->message_len, e->type_len, e->code_len}, 0};
    const char *s[4] = {NULL, e->message, e->type, e->code};
    return arena_put(&((StreamObject *)ctx)->ev, &r, s);
}

static const llmj_stream_callbacks stream_cbs = {
    .json = s_json, .text = s_text, .refusal = s_refusal, .tool_begin = s_tool_begin,
    .tool_args = s_args, .tool_end = s_tool_end, .finish = s_finish, .usage = s_usage,
    .error = s_error,
};

static int Stream_init(StreamObject *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"dialect", "content", "whitespace_limit", "repeat_limit",
                             "max_depth", NULL};
    const char *dname = "auto", *content = "auto";
    PyObject *ws = NULL, *rep = NULL, *depth = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|s$sOOO:Stream", kwlist, &dname, &content, &ws,
                                     &rep, &depth))
        return -1;
    if (self->s) {
        PyErr_SetString(Error, "Stream.__init__ called twice");
        return -1;
    }
    llmj_dialect d;
    if (llmj_dialect_from_name(dname, &d) != LLMJ_OK) {
        PyErr_Format(PyExc_ValueError,
                     "unknown dialect '%s' (openai, responses, anthropic, gemini, ollama, auto)",
                     dname);
        return -1;
    }
    llmj_content_mode mode;
    if (strcmp(content, "auto") == 0)
        mode = LLMJ_CONTENT_AUTO;
    else if (strcmp(content, "json") == 0)
        mode = LLMJ_CONTENT_JSON;
    else if (strcmp(content, "text") == 0)
        mode = LLMJ_CONTENT_TEXT;
    else {
        PyErr_Format(PyExc_ValueError, "content must be 'auto', 'json' or 'text', not '%s'",
                     content);
        return -1;
    }
    llmj_config cfg;
    if (get_limits(&cfg, ws, rep, depth))
        return -1;
    llmj_status st = llmj_stream_new(&self->s, &cfg, d, mode, &stream_cbs, self);
    if (st != LLMJ_OK) {
        new_failed(st);
        return -1;
    }
    return 0;
}

static void Stream_dealloc(StreamObject *self)
{
    llmj_stream_free(self->s);
    arena_free(&self->ev);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int stream_ready(StreamObject *self)
{
    if (!self->s) {
        PyErr_SetString(Error, "the Stream was not initialised");
        return -1;
    }
    if (self->busy) {
        PyErr_SetString(Error, "the Stream is in use by another thread (a Stream is not "
                               "shared between threads)");
        return -1;
    }
    return 0;
}

static PyObject *Stream_feed(StreamObject *self, PyObject *data)
{
    if (stream_ready(self))
        return NULL;
    if (PyUnicode_Check(data) || !PyObject_CheckBuffer(data)) {
        PyErr_Format(PyExc_TypeError, "data must be bytes, not %.100s", Py_TYPE(data)->tp_name);
        return NULL;
    }
    Py_buffer view;
    if (PyObject_GetBuffer(data, &view, PyBUF_SIMPLE) != 0)
        return NULL;
    self->busy = 1;
    llmj_status st;
    if (view.len >= NOGIL_MIN) {
        Py_BEGIN_ALLOW_THREADS
        st = llmj_stream_feed(self->s, view.buf, (size_t)view.len);
        Py_END_ALLOW_THREADS
    } else {
        st = llmj_stream_feed(self->s, view.buf, (size_t)view.len);
    }
    self->busy = 0;
    PyBuffer_Release(&view);
    if (st == LLMJ_MISUSE) {
        arena_reset(&self->ev);
        PyErr_SetString(Error, "feed() after finish()");
        return NULL;
    }
    return arena_events(&self->ev, 1);
}

/* finish() -> (status, events of a last event that lacked its blank line) */
static PyObject *Stream_finish_tuple(StreamObject *self, PyObject *unused)
{
    (void)unused;
    if (stream_ready(self))
        return NULL;
    llmj_status st = llmj_stream_finish(self->s);
    PyObject *evs = arena_events(&self->ev, 1);
    if (!evs)
        return NULL;
    return Py_BuildValue("(sN)", status_word(st), evs);
}

/* The report exactly as `llmjson replay --report` prints it (its own code,
 * compiled into this module), as a str. Finishes the stream. */
static PyObject *Stream_report_text(StreamObject *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"greedy", NULL};
    int greedy = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|$p:report", kwlist, &greedy))
        return NULL;
    if (stream_ready(self))
        return NULL;
    llmj_stream_finish(self->s);
    arena_reset(&self->ev);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return PyErr_NoMemory();
    cli_replay_out *ro = cli_replay_out_new(f, CLI_REPLAY_REPORT, greedy);
    int rc = ro ? cli_replay_end(ro, self->s, "<stream>") : CLI_EXIT_FAILURE;
    cli_replay_out_free(ro);
    int ferr = ferror(f);
    fclose(f);
    PyObject *res;
    if (!ro || rc == CLI_EXIT_FAILURE || ferr)
        res = PyErr_NoMemory();
    else
        res = str_of(buf, len);
    free(buf);
    return res;
}

static PyObject *Stream_get_status(StreamObject *self, void *c)
{
    (void)c;
    if (stream_ready(self))
        return NULL;
    return PyUnicode_FromString(status_word(llmj_stream_status(self->s)));
}

static PyObject *Stream_get_dialect(StreamObject *self, void *c)
{
    (void)c;
    if (stream_ready(self))
        return NULL;
    return PyUnicode_FromString(llmj_dialect_name(llmj_stream_dialect(self->s)));
}

static PyObject *Stream_get_error(StreamObject *self, void *c)
{
    (void)c;
    if (stream_ready(self))
        return NULL;
    const llmj_error *e = llmj_stream_error(self->s);
    if (e && e->code == LLMJ_EMPTY)
        Py_RETURN_NONE;
    return error_tuple(e);
}

static PyMethodDef Stream_methods[] = {
    {"feed", (PyCFunction)Stream_feed, METH_O,
     "feed(data: bytes) -> list[Event]: the next piece of the response body"},
    {"_finish", (PyCFunction)Stream_finish_tuple, METH_NOARGS, "internal"},
    {"_report", (PyCFunction)(void (*)(void))Stream_report_text, METH_VARARGS | METH_KEYWORDS,
     "internal: the report as JSON text"},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef Stream_getset[] = {
    {"status", (getter)Stream_get_status, NULL, "the stream's status word ('ok' while going on)",
     NULL},
    {"dialect", (getter)Stream_get_dialect, NULL, "the dialect given or detected ('auto' "
     "while not detected yet)", NULL},
    {"_error", (getter)Stream_get_error, NULL, "internal", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject StreamType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "llmjson._llmjson.Stream",
    .tp_basicsize = sizeof(StreamObject),
    .tp_dealloc = (destructor)Stream_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "A provider's response stream (C part; see llmjson.Stream).",
    .tp_methods = Stream_methods,
    .tp_getset = Stream_getset,
    .tp_init = (initproc)Stream_init,
    .tp_new = PyType_GenericNew,
};

/* ---- PartialObjects ----------------------------------------------------- *
 *
 * One tracker; its events build the Python value as it grows (containers are
 * inserted when they open, scalars when they complete), so every delta costs
 * time proportional to its own size, plus in greedy mode the partial string
 * at the end (a new str of that string's length). Which partial string the
 * salvage keeps comes from the library's salvage (its closer starts with '"'),
 * so the value is always the salvage's R parsed. After a sticky error the
 * value is the salvage of the text parsed once, and stays. */

typedef struct {
    PyObject_HEAD
    PyObject *it;        /* the deltas */
    PyObject *loads;     /* json.loads */
    llmj_tracker *t;
    int greedy;
    PyObject *root;      /* the value so far (NULL: none) */
    PyObject **stack;    /* open containers, outermost first (owned) */
    PyObject **keys;     /* per level: the pending key of an object (owned) */
    size_t depth, cap;
    char *pstr;          /* the open string value's decoded bytes so far */
    size_t plen, pcap;
    int pactive;         /* a string value is open (chunks arrive into pstr) */
    int pinserted;       /* that partial string is inserted in its parent */
    int frozen;          /* after an error: root is final */
    int failed;          /* a Python error happened in a callback */
} PartialObject;

static int po_insert(PartialObject *po, PyObject *v, int replace)
{
    if (po->depth == 0) {
        Py_XSETREF(po->root, Py_NewRef(v));
        return 0;
    }
    PyObject *top = po->stack[po->depth - 1];
    if (PyDict_CheckExact(top)) {
        PyObject *k = po->keys[po->depth - 1];
        return PyDict_SetItem(top, k ? k : Py_None, v);
    }
    if (replace)
        return PyList_SetItem(top, PyList_GET_SIZE(top) - 1, Py_NewRef(v));
    return PyList_Append(top, v);
}

static PyObject *number_of(const char *s, size_t len)
{
    char buf[64];
    char *p = len < sizeof buf ? buf : PyMem_Malloc(len + 1);
    if (!p)
        return PyErr_NoMemory();
    memcpy(p, s, len);
    p[len] = 0;
    PyObject *v;
    if (strpbrk(p, ".eE"))
        v = PyFloat_FromDouble(PyOS_string_to_double(p, NULL, NULL));
    else
        v = PyLong_FromString(p, NULL, 10);
    if (v && PyFloat_Check(v) && PyErr_Occurred())
        Py_CLEAR(v);
    if (p != buf)
        PyMem_Free(p);
    return v;
}

static int po_cb_inner(PartialObject *po, const llmj_event *ev)
{
    PyObject *v = NULL;
    switch (ev->type) {
    case LLMJ_EV_BEGIN_OBJECT:
    case LLMJ_EV_BEGIN_ARRAY:
        if (po->depth == po->cap) {
            size_t cap = po->cap ? po->cap * 2 : 16;
            PyObject **ns = PyMem_Realloc(po->stack, cap * sizeof *ns);
            if (!ns)
                return -1;
            po->stack = ns;
            PyObject **nk = PyMem_Realloc(po->keys, cap * sizeof *nk);
            if (!nk)
                return -1;
            po->keys = nk;
            po->cap = cap;
        }
        v = ev->type == LLMJ_EV_BEGIN_OBJECT ? PyDict_New() : PyList_New(0);
        if (!v || po_insert(po, v, 0)) {
            Py_XDECREF(v);
            return -1;
        }
        po->stack[po->depth] = v;
        po->keys[po->depth] = NULL;
        po->depth++;
        return 0;
    case LLMJ_EV_END_OBJECT:
    case LLMJ_EV_END_ARRAY:
        if (po->depth) {
            po->depth--;
            Py_CLEAR(po->stack[po->depth]);
            Py_CLEAR(po->keys[po->depth]);
        }
        return 0;
    case LLMJ_EV_KEY:
        if (po->depth) {
            v = str_of(ev->text, ev->len);
            if (!v)
                break;
            Py_XSETREF(po->keys[po->depth - 1], v);
        }
        return 0;
    case LLMJ_EV_STRING_CHUNK:
        if (!po->pactive) {
            po->pactive = 1;
            po->plen = 0;
        }
        if (po->plen + ev->len > po->pcap) {
            size_t cap = po->pcap ? po->pcap : 256;
            while (cap < po->plen + ev->len)
                cap *= 2;
            char *np = PyMem_Realloc(po->pstr, cap);
            if (!np) {
                PyErr_NoMemory();
                return -1;
            }
            po->pstr = np;
            po->pcap = cap;
        }
        memcpy(po->pstr + po->plen, ev->text, ev->len);
        po->plen += ev->len;
        return 0;
    case LLMJ_EV_STRING:
        v = str_of(ev->text, ev->len);
        break;
    case LLMJ_EV_NUMBER:
        v = number_of(ev->text, ev->len);
        break;
    case LLMJ_EV_TRUE: v = Py_NewRef(Py_True); break;
    case LLMJ_EV_FALSE: v = Py_NewRef(Py_False); break;
    case LLMJ_EV_NULL: v = Py_NewRef(Py_None); break;
    }
    if (!v)
        return -1;
    int rc = po_insert(po, v, po->pinserted);
    Py_DECREF(v);
    po->pactive = 0;
    po->pinserted = 0;
    return rc;
}

static int po_cb(void *ctx, const llmj_event *ev)
{
    PartialObject *po = ctx;
    if (po->failed)
        return 1;
    if (po_cb_inner(po, ev) != 0) {
        if (!PyErr_Occurred())
            PyErr_NoMemory();
        po->failed = 1;
        return 1;
    }
    return 0;
}

static void po_clear_tree(PartialObject *po)
{
    for (size_t i = 0; i < po->depth; i++) {
        Py_CLEAR(po->stack[i]);
        Py_CLEAR(po->keys[i]);
    }
    po->depth = 0;
}

/* The value after an error: the salvage parsed, once. */
static int po_freeze(PartialObject *po)
{
    llmj_salvage sv;
    const char *text;
    size_t len;
    llmj_status st = llmj_tracker_repair(po->t, po->greedy ? LLMJ_SALVAGE_GREEDY
                                                           : LLMJ_SALVAGE_LOSSLESS,
                                         &sv, &text, &len);
    if (st != LLMJ_OK) {
        new_failed(st);
        return -1;
    }
    PyObject *v;
    if (len == 0)
        v = Py_NewRef(Py_None);
    else {
        PyObject *s = str_of(text, len);
        if (!s)
            return -1;
        v = PyObject_CallOneArg(po->loads, s);
        Py_DECREF(s);
        if (!v)
            return -1;
    }
    po_clear_tree(po);
    Py_XSETREF(po->root, v);
    po->frozen = 1;
    return 0;
}

/* Show the partial string value the greedy salvage keeps, if any. */
static int po_show_partial(PartialObject *po)
{
    llmj_salvage sv;
    if (llmj_tracker_salvage(po->t, LLMJ_SALVAGE_GREEDY, &sv) != LLMJ_OK) {
        PyErr_NoMemory();
        return -1;
    }
    PyObject *s;
    if (sv.closer_len > 0 && sv.closer[0] == '"') {
        s = str_of(po->pstr, po->pactive ? po->plen : 0);
    } else {
        /* A salvage that keeps a partial number (a digit outside any string
         * at the very end: numbers complete only at a delimiter). */
        size_t n, k = (size_t)sv.bytes_kept;
        const char *text = llmj_tracker_text(po->t, &n);
        if (!text || k == 0 || k > n || text[k - 1] < '0' || text[k - 1] > '9')
            return 0;
        for (size_t i = k; i < n; i++)
            if (!text[i] || !strchr("0123456789.eE+-", text[i]))
                return 0; /* a delimiter follows: that number is in the value already */
        size_t b = k;
        while (b > 0 && text[b - 1] && strchr("0123456789.eE+-", text[b - 1]))
            b--;
        s = number_of(text + b, k - b);
    }
    if (!s)
        return -1;
    int rc = po_insert(po, s, po->pinserted);
    Py_DECREF(s);
    po->pinserted = rc == 0;
    return rc;
}

static PyObject *Partial_next(PartialObject *po)
{
    PyObject *delta = PyIter_Next(po->it);
    if (!delta)
        return NULL; /* the end, or the iterator's error */
    if (!po->frozen) {
        Py_buffer view;
        PyObject *keep;
        if (get_text(delta, &view, &keep, "a delta")) {
            Py_DECREF(delta);
            return NULL;
        }
        llmj_status st = llmj_tracker_feed(po->t, view.buf, (size_t)view.len);
        put_text(&view, keep);
        if (po->failed) {
            Py_DECREF(delta);
            return NULL;
        }
        if (st != LLMJ_OK ? po_freeze(po) : po->greedy ? po_show_partial(po) : 0) {
            Py_DECREF(delta);
            return NULL;
        }
    }
    Py_DECREF(delta);
    return Py_NewRef(po->root ? po->root : Py_None);
}

static PyObject *Partial_get_status(PartialObject *po, void *c)
{
    (void)c;
    return PyUnicode_FromString(status_word(llmj_tracker_status(po->t)));
}

static PyObject *Partial_salvage_tuple(PartialObject *po, PyObject *unused)
{
    (void)unused;
    llmj_salvage sv;
    const char *text;
    size_t len;
    llmj_status st = llmj_tracker_repair(po->t, po->greedy ? LLMJ_SALVAGE_GREEDY
                                                           : LLMJ_SALVAGE_LOSSLESS,
                                         &sv, &text, &len);
    if (st != LLMJ_OK)
        return new_failed(st);
    PyObject *tuple = salvage_tuple(&sv, text, len, NULL);
    PyObject *mod = tuple ? PyImport_ImportModule("llmjson") : NULL;
    PyObject *res = mod ? PyObject_CallMethod(mod, "Salvage", "(O)", tuple) : NULL;
    Py_XDECREF(mod);
    Py_XDECREF(tuple);
    return res;
}

static void Partial_dealloc(PartialObject *po)
{
    PyObject_GC_UnTrack(po);
    po_clear_tree(po);
    PyMem_Free(po->stack);
    PyMem_Free(po->keys);
    PyMem_Free(po->pstr);
    Py_XDECREF(po->root);
    Py_XDECREF(po->it);
    Py_XDECREF(po->loads);
    llmj_tracker_free(po->t);
    PyObject_GC_Del(po);
}

static int Partial_traverse(PartialObject *po, visitproc visit, void *arg)
{
    Py_VISIT(po->it);
    Py_VISIT(po->root);
    return 0;
}

static PyObject *Partial_iter(PyObject *self)
{
    return Py_NewRef(self);
}

static PyMethodDef Partial_methods[] = {
    {"salvage", (PyCFunction)Partial_salvage_tuple, METH_NOARGS,
     "salvage() -> Salvage: the salvage of the text so far (the iterator's mode)"},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef Partial_getset[] = {
    {"status", (getter)Partial_get_status, NULL,
     "the tracker's status: 'ok' while viable, else the sticky error", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject PartialType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "llmjson.PartialObjects",
    .tp_basicsize = sizeof(PartialObject),
    .tp_dealloc = (destructor)Partial_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "The iterator of llmjson.partial_objects().",
    .tp_traverse = (traverseproc)Partial_traverse,
    .tp_iter = Partial_iter,
    .tp_iternext = (iternextfunc)Partial_next,
    .tp_methods = Partial_methods,
    .tp_getset = Partial_getset,
};

static PyObject *py_partial_objects(PyObject *self, PyObject *args, PyObject *kw)
{
    (void)self;
    static char *kwlist[] = {"deltas", "greedy", "whitespace_limit", "repeat_limit",
                             "max_depth", NULL};
    PyObject *deltas, *ws = NULL, *rep = NULL, *depth = NULL;
    int greedy = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|$pOOO:partial_objects", kwlist, &deltas,
                                     &greedy, &ws, &rep, &depth))
        return NULL;
    if (PyUnicode_Check(deltas) || PyBytes_Check(deltas)) {
        PyErr_SetString(PyExc_TypeError,
                        "deltas must be an iterable of str pieces, not one str or bytes");
        return NULL;
    }
    llmj_config cfg;
    if (get_limits(&cfg, ws, rep, depth))
        return NULL;
    cfg.keep_text = 1;
    PyObject *it = PyObject_GetIter(deltas);
    if (!it)
        return NULL;
    PyObject *json = PyImport_ImportModule("json");
    PyObject *loads = json ? PyObject_GetAttrString(json, "loads") : NULL;
    Py_XDECREF(json);
    if (!loads) {
        Py_DECREF(it);
        return NULL;
    }
    PartialObject *po = PyObject_GC_New(PartialObject, &PartialType);
    if (!po) {
        Py_DECREF(it);
        Py_DECREF(loads);
        return NULL;
    }
    memset((char *)po + sizeof(PyObject), 0, sizeof *po - sizeof(PyObject));
    po->it = it;
    po->loads = loads;
    po->greedy = greedy;
    llmj_status st = llmj_tracker_new(&po->t, &cfg, po_cb, po);
    PyObject_GC_Track(po);
    if (st != LLMJ_OK) {
        Py_DECREF(po);
        return new_failed(st);
    }
    return (PyObject *)po;
}

/* ---- the module --------------------------------------------------------- */

static PyMethodDef module_methods[] = {
    {"repair", (PyCFunction)(void (*)(void))py_repair, METH_VARARGS | METH_KEYWORDS,
     "internal: the salvage of a text as a tuple"},
    {"partial_objects", (PyCFunction)(void (*)(void))py_partial_objects,
     METH_VARARGS | METH_KEYWORDS, "internal: the PartialObjects iterator"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "llmjson._llmjson", "The C part of llmjson.", -1, module_methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__llmjson(void);
PyMODINIT_FUNC PyInit__llmjson(void)
{
    if (PyType_Ready(&EventType) < 0 || PyType_Ready(&TrackerType) < 0 ||
        PyType_Ready(&StreamType) < 0 || PyType_Ready(&PartialType) < 0)
        return NULL;
    if (make_names() < 0)
        return NULL;
    PyObject *m = PyModule_Create(&module_def);
    if (!m)
        return NULL;
    if (!Error)
        Error = PyErr_NewExceptionWithDoc("llmjson.Error",
                                          "Misuse of an llmjson object (a call out of order, "
                                          "a Tracker used from two threads at once).",
                                          NULL, NULL);
    if (!Error || PyModule_AddObjectRef(m, "Error", Error) < 0 ||
        PyModule_AddObjectRef(m, "Event", (PyObject *)&EventType) < 0 ||
        PyModule_AddObjectRef(m, "Tracker", (PyObject *)&TrackerType) < 0 ||
        PyModule_AddObjectRef(m, "Stream", (PyObject *)&StreamType) < 0 ||
        PyModule_AddObjectRef(m, "PartialObjects", (PyObject *)&PartialType) < 0 ||
        PyModule_AddStringConstant(m, "library_version", llmj_version()) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
