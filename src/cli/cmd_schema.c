/* llmjson schema lint — check a JSON Schema against a provider's published
 * rules for strict structured outputs before a request is sent, and print
 * each problem in the provider's own form (docs/schema.md cites where each
 * rule comes from). Also refuses a schema the library cannot validate.
 *
 * One walk over the schema serves every provider: a provider is a table of
 * the keywords it takes and a few rules, called at each subschema. */
#include "cli.h"

#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

static const char schema_help[] =
    "usage: llmjson schema lint [--provider openai|gemini|anthropic] [--name NAME] FILE\n"
    "\n"
    "Check a JSON Schema against the provider's rules for strict structured\n"
    "outputs and print every problem, one per line, on stdout, in the API's own\n"
    "form where it has one:\n"
    "  openai     response_format json_schema with strict: true (and strict\n"
    "             function tools):\n"
    "             Invalid schema for response_format 'NAME': In context=('properties',\n"
    "             'pet'), 'oneOf' is not permitted.\n"
    "  anthropic  output_config.format (and strict tools):\n"
    "             output_config.format.schema: For 'integer' type, property\n"
    "             'minimum' is not supported\n"
    "  gemini     generationConfig.responseJsonSchema: keywords outside the subset\n"
    "             Gemini enforces (it ignores them):\n"
    "             Unknown name \"oneOf\" at 'generation_config.response_json_schema\n"
    "             .properties.pet': not enforced, Gemini ignores it.\n"
    "Then the schema is compiled by the library (docs/schema.md): a keyword it\n"
    "cannot validate is reported too.\n"
    "\n"
    "  --provider P          openai (the default), gemini or anthropic\n"
    "  --name NAME           the schema's name in OpenAI's messages (default: the\n"
    "                        file name without its folder and .json)\n"
    "\n"
    "exit status: 0 accepted, 3 refused, 1 usage or I/O error.\n";

/* ---- the walk -------------------------------------------------------------- */

typedef struct lint lint;

/* A provider's rules. */
typedef struct provider {
    const char *name;
    const char *const *allowed;             /* the keywords it takes (NULL-terminated) */
    void (*keyword)(lint *l, const char *k); /* a keyword it does not take */
    void (*root)(lint *l, yajl_val root);    /* rules on the root (or NULL) */
    void (*node)(lint *l, yajl_val s);       /* rules at every subschema (or NULL) */
    void (*end)(lint *l, yajl_val root);     /* rules on the whole: limits (or NULL) */
} provider;

struct lint {
    FILE *out;            /* where the problems are printed */
    const provider *p;
    const char *name;     /* openai: the schema's name */
    yajl_val root;
    const char *ctx[256]; /* the path to the current subschema */
    size_t nctx;
    size_t problems;
    /* counts over the whole schema */
    size_t props, chars, enums, optional, unions;
    size_t max_depth, depth; /* objects nested through properties */
};

static yajl_val member(yajl_val o, const char *k)
{
    if (!YAJL_IS_OBJECT(o))
        return NULL;
    for (size_t i = 0; i < o->u.object.len; i++)
        if (strcmp(o->u.object.keys[i], k) == 0)
            return o->u.object.values[i];
    return NULL;
}

static int in_list(const char *k, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (strcmp(k, list[i]) == 0)
            return 1;
    return 0;
}

/* Does type t (a name or an array of names) include name? */
static int has_type(yajl_val s, const char *name)
{
    yajl_val t = member(s, "type");
    if (YAJL_IS_STRING(t))
        return strcmp(t->u.string, name) == 0;
    for (size_t i = 0; YAJL_IS_ARRAY(t) && i < t->u.array.len; i++)
        if (YAJL_IS_STRING(t->u.array.values[i]) && strcmp(t->u.array.values[i]->u.string, name) == 0)
            return 1;
    return 0;
}

static int is_object_schema(yajl_val s)
{
    return has_type(s, "object") || member(s, "properties") != NULL;
}

/* The schema's (first) type name, for messages. */
static const char *type_name(yajl_val s)
{
    yajl_val t = member(s, "type");
    if (YAJL_IS_STRING(t))
        return t->u.string;
    if (YAJL_IS_ARRAY(t) && t->u.array.len && YAJL_IS_STRING(t->u.array.values[0]))
        return t->u.array.values[0]->u.string;
    return "schema";
}

static void push(lint *l, const char *seg)
{
    if (l->nctx < 256)
        l->ctx[l->nctx] = seg;
    l->nctx++;
}

static void walk(lint *l, yajl_val s);

static void walk_child(lint *l, yajl_val s, const char *seg1, const char *seg2)
{
    size_t old = l->nctx;
    push(l, seg1);
    if (seg2)
        push(l, seg2);
    walk(l, s);
    l->nctx = old;
}

static void walk_array(lint *l, yajl_val a, const char *kw)
{
    for (size_t i = 0; YAJL_IS_ARRAY(a) && i < a->u.array.len; i++) {
        char idx[24]; /* lives while the branch is walked */
        snprintf(idx, sizeof idx, "%zu", i);
        walk_child(l, a->u.array.values[i], kw, idx);
    }
}

static void walk(lint *l, yajl_val s)
{
    if (!YAJL_IS_OBJECT(s))
        return;
    for (size_t i = 0; i < s->u.object.len; i++)
        if (!in_list(s->u.object.keys[i], l->p->allowed))
            l->p->keyword(l, s->u.object.keys[i]);
    if (l->p->node)
        l->p->node(l, s);
    if (is_object_schema(s) && l->depth + 1 > l->max_depth)
        l->max_depth = l->depth + 1;
    yajl_val props = member(s, "properties");
    yajl_val req = member(s, "required");
    for (size_t i = 0; YAJL_IS_OBJECT(props) && i < props->u.object.len; i++) {
        const char *k = props->u.object.keys[i];
        l->props++;
        l->chars += strlen(k);
        int found = 0;
        for (size_t j = 0; YAJL_IS_ARRAY(req) && j < req->u.array.len && !found; j++)
            found = YAJL_IS_STRING(req->u.array.values[j]) && strcmp(req->u.array.values[j]->u.string, k) == 0;
        l->optional += !found;
        yajl_val ps = props->u.object.values[i];
        yajl_val pt = member(ps, "type");
        l->unions += member(ps, "anyOf") != NULL || (YAJL_IS_ARRAY(pt) && pt->u.array.len > 1);
        l->depth++;
        walk_child(l, ps, "properties", k);
        l->depth--;
    }
    yajl_val en = member(s, "enum");
    for (size_t i = 0; YAJL_IS_ARRAY(en) && i < en->u.array.len; i++) {
        l->enums++;
        if (YAJL_IS_STRING(en->u.array.values[i]))
            l->chars += strlen(en->u.array.values[i]->u.string);
    }
    yajl_val cst = member(s, "const");
    if (YAJL_IS_STRING(cst))
        l->chars += strlen(cst->u.string);
    walk_array(l, member(s, "anyOf"), "anyOf");
    walk_array(l, member(s, "allOf"), "allOf");
    walk_array(l, member(s, "prefixItems"), "prefixItems");
    yajl_val items = member(s, "items");
    if (items)
        walk_child(l, items, "items", NULL);
    yajl_val ap = member(s, "additionalProperties");
    if (YAJL_IS_OBJECT(ap))
        walk_child(l, ap, "additionalProperties", NULL);
    static const char *const defkw[] = {"$defs", "definitions"};
    for (int d = 0; d < 2; d++) {
        yajl_val defs = member(s, defkw[d]);
        for (size_t i = 0; YAJL_IS_OBJECT(defs) && i < defs->u.object.len; i++) {
            l->chars += strlen(defs->u.object.keys[i]);
            walk_child(l, defs->u.object.values[i], defkw[d], defs->u.object.keys[i]);
        }
    }
}

/* The subschema a "#..." $ref names (NULL: none, or not in this document). */
static yajl_val resolve(yajl_val root, const char *ref)
{
    if (ref[0] != '#')
        return NULL;
    yajl_val cur = root;
    const char *p = ref + 1;
    char seg[256];
    while (cur && *p) {
        if (*p != '/')
            return NULL;
        p++;
        size_t n = 0;
        while (*p && *p != '/' && n < sizeof seg - 1) {
            if (p[0] == '~' && (p[1] == '0' || p[1] == '1')) {
                seg[n++] = p[1] == '0' ? '~' : '/';
                p += 2;
            } else {
                seg[n++] = *p++;
            }
        }
        seg[n] = '\0';
        if (YAJL_IS_OBJECT(cur)) {
            cur = member(cur, seg);
        } else if (YAJL_IS_ARRAY(cur)) {
            char *e;
            unsigned long ix = strtoul(seg, &e, 10);
            cur = *e == '\0' && n && ix < cur->u.array.len ? cur->u.array.values[ix] : NULL;
        } else {
            cur = NULL;
        }
    }
    return cur;
}

/* Is there a $ref cycle from s (through subschemas and $ref targets)? on:
 * the subschemas on the current path; seen: those finished. */
typedef struct visit {
    yajl_val *on, *seen;
    size_t non, nseen, cap;
} visit;

static int cyclic(yajl_val root, yajl_val s, visit *vs)
{
    if (!YAJL_IS_OBJECT(s) && !YAJL_IS_ARRAY(s))
        return 0;
    for (size_t i = 0; i < vs->non; i++)
        if (vs->on[i] == s)
            return 1;
    for (size_t i = 0; i < vs->nseen; i++)
        if (vs->seen[i] == s)
            return 0;
    if (vs->non == vs->cap || vs->nseen == vs->cap)
        return 0; /* deeper than we look */
    vs->on[vs->non++] = s;
    int r = 0;
    size_t n = YAJL_IS_OBJECT(s) ? s->u.object.len : s->u.array.len;
    for (size_t i = 0; i < n && !r; i++) {
        yajl_val kid = YAJL_IS_OBJECT(s) ? s->u.object.values[i] : s->u.array.values[i];
        if (YAJL_IS_OBJECT(s) && strcmp(s->u.object.keys[i], "$ref") == 0 && YAJL_IS_STRING(kid)) {
            yajl_val t = resolve(root, kid->u.string);
            r = t && cyclic(root, t, vs);
        } else if (!(YAJL_IS_OBJECT(s) && (strcmp(s->u.object.keys[i], "enum") == 0 ||
                                           strcmp(s->u.object.keys[i], "const") == 0))) {
            r = cyclic(root, kid, vs);
        }
    }
    vs->non--;
    vs->seen[vs->nseen++] = s;
    return r;
}

static int recursive(yajl_val root)
{
    visit vs = {0};
    vs.cap = 4096;
    vs.on = malloc(vs.cap * sizeof *vs.on);
    vs.seen = malloc(vs.cap * sizeof *vs.seen);
    int r = vs.on && vs.seen && cyclic(root, root, &vs);
    free(vs.on);
    free(vs.seen);
    return r;
}

/* ---- OpenAI ------------------------------------------------------------------ */

/* OpenAI's limits (docs/schema.md) */
#define OA_MAX_PROPS 5000
#define OA_MAX_DEPTH 10
#define OA_MAX_CHARS 120000
#define OA_MAX_ENUM 1000
#define OA_BIG_ENUM 250
#define OA_BIG_ENUM_CHARS 15000

/* The end of a problem's line (its head is printed): the message. */
static void say(lint *l, const char *fmt, va_list ap)
{
    vfprintf(l->out, fmt, ap);
    fputc('\n', l->out);
    l->problems++;
}

/* Invalid schema for response_format 'NAME': In context=(...), MSG */
static void oa_problem(lint *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void oa_problem(lint *l, const char *fmt, ...)
{
    fprintf(l->out, "Invalid schema for response_format '%s': In context=(", l->name);
    for (size_t i = 0; i < l->nctx && i < 256; i++)
        fprintf(l->out, "%s'%s'", i ? ", " : "", l->ctx[i]);
    fprintf(l->out, "%s), ", l->nctx == 1 ? "," : "");
    va_list ap;
    va_start(ap, fmt);
    say(l, fmt, ap);
    va_end(ap);
}

static void oa_plain(lint *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void oa_plain(lint *l, const char *fmt, ...)
{
    fprintf(l->out, "Invalid schema for response_format '%s': ", l->name);
    va_list ap;
    va_start(ap, fmt);
    say(l, fmt, ap);
    va_end(ap);
}

static const char *const oa_allowed[] = {
    "type", "properties", "required", "additionalProperties", "items", "anyOf", "$ref", "$defs",
    "definitions", "enum", "const", "description", "title", "pattern", "format", "minimum",
    "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minItems", "maxItems",
    "$schema", "$id", NULL,
};

static void oa_keyword(lint *l, const char *k)
{
    oa_problem(l, "'%s' is not permitted.", k);
}

static void oa_node(lint *l, yajl_val s)
{
    if (member(s, "$ref") && s->u.object.len > 1)
        for (size_t i = 0; i < s->u.object.len; i++) {
            const char *k = s->u.object.keys[i];
            if (strcmp(k, "$ref") && strcmp(k, "description") && strcmp(k, "title"))
                oa_problem(l, "'$ref' cannot have sibling keywords; found '%s'.", k);
        }
    if (is_object_schema(s)) {
        yajl_val ap = member(s, "additionalProperties");
        if (!ap || !YAJL_IS_FALSE(ap))
            oa_problem(l, "'additionalProperties' is required to be supplied and to be false.");
        yajl_val props = member(s, "properties");
        yajl_val req = member(s, "required");
        for (size_t i = 0; YAJL_IS_OBJECT(props) && i < props->u.object.len; i++) {
            const char *k = props->u.object.keys[i];
            int found = 0;
            for (size_t j = 0; YAJL_IS_ARRAY(req) && j < req->u.array.len && !found; j++)
                found = YAJL_IS_STRING(req->u.array.values[j]) && strcmp(req->u.array.values[j]->u.string, k) == 0;
            if (!found)
                oa_problem(l, "'required' is required to be supplied and to be an array including every key in properties. Missing '%s'.", k);
        }
    }
    yajl_val en = member(s, "enum");
    if (YAJL_IS_ARRAY(en) && en->u.array.len > OA_BIG_ENUM) {
        size_t chars = 0;
        for (size_t i = 0; i < en->u.array.len; i++)
            if (YAJL_IS_STRING(en->u.array.values[i]))
                chars += strlen(en->u.array.values[i]->u.string);
        if (chars > OA_BIG_ENUM_CHARS)
            oa_problem(l, "an enum of more than %d values has %zu characters in total, over the limit of %d.",
                       OA_BIG_ENUM, chars, OA_BIG_ENUM_CHARS);
    }
    /* anyOf: object branches need distinct first keys */
    yajl_val any = member(s, "anyOf");
    for (size_t i = 0; YAJL_IS_ARRAY(any) && i < any->u.array.len; i++) {
        yajl_val bi = member(any->u.array.values[i], "properties");
        if (!YAJL_IS_OBJECT(bi) || bi->u.object.len == 0)
            continue;
        for (size_t j = 0; j < i; j++) {
            yajl_val bj = member(any->u.array.values[j], "properties");
            if (YAJL_IS_OBJECT(bj) && bj->u.object.len && strcmp(bi->u.object.keys[0], bj->u.object.keys[0]) == 0)
                oa_problem(l, "'anyOf' object branches must begin with different properties; two begin with '%s'.",
                           bi->u.object.keys[0]);
        }
    }
}

static void oa_root(lint *l, yajl_val root)
{
    yajl_val t = member(root, "type");
    if (!YAJL_IS_OBJECT(root) || !YAJL_IS_STRING(t) || strcmp(t->u.string, "object") != 0 || member(root, "anyOf"))
        oa_plain(l, "schema must be a JSON Schema of 'type: \"object\"', got 'type: \"%s\"'.",
                 YAJL_IS_STRING(t) ? t->u.string : "None");
}

static void oa_end(lint *l, yajl_val root)
{
    (void)root;
    if (l->max_depth > OA_MAX_DEPTH)
        oa_plain(l, "%zu levels of nesting exceeds limit of %d.", l->max_depth, OA_MAX_DEPTH);
    if (l->props > OA_MAX_PROPS)
        oa_plain(l, "%zu object properties exceeds limit of %d.", l->props, OA_MAX_PROPS);
    if (l->chars > OA_MAX_CHARS)
        oa_plain(l, "%zu characters of property names, definition names, enum and const values exceeds limit of %d.",
                 l->chars, OA_MAX_CHARS);
    if (l->enums > OA_MAX_ENUM)
        oa_plain(l, "%zu enum values exceeds limit of %d.", l->enums, OA_MAX_ENUM);
}

static const provider k_openai = {"openai", oa_allowed, oa_keyword, oa_root, oa_node, oa_end};

/* ---- Anthropic ------------------------------------------------------------- */

/* Anthropic's limits on strict schemas (docs/schema.md) */
#define AN_MAX_OPTIONAL 24
#define AN_MAX_UNIONS 16

/* output_config.format.schema: MSG */
static void an_problem(lint *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void an_problem(lint *l, const char *fmt, ...)
{
    fputs("output_config.format.schema: ", l->out);
    va_list ap;
    va_start(ap, fmt);
    say(l, fmt, ap);
    va_end(ap);
}

/* The path of the current subschema, for the messages that are this tool's. */
static const char *an_where(const lint *l, char *buf, size_t cap)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < l->nctx && i < 256 && o + 1 < cap; i++) {
        int k = snprintf(buf + o, cap - o, "/%s", l->ctx[i]);
        if (k < 0)
            break;
        o += (size_t)k;
    }
    return o ? buf : "the root";
}

static const char *const an_allowed[] = {
    "type", "properties", "required", "additionalProperties", "items", "anyOf", "allOf", "$ref",
    "$defs", "definitions", "enum", "const", "default", "description", "title", "format",
    "pattern", "minItems", "$schema", "$id", "$comment", "examples",
    /* numeric, string and array bounds: refused by type, below */
    "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minLength",
    "maxLength", "maxItems", NULL,
};

static void an_keyword(lint *l, const char *k)
{
    char w[512];
    an_problem(l, "'%s' is not supported (at %s)", k, an_where(l, w, sizeof w));
}

static void an_node(lint *l, yajl_val s)
{
    static const char *const bounds[] = {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
                                         "multipleOf", "minLength", "maxLength", "maxItems", NULL};
    static const char *const formats[] = {"date-time", "time", "date", "duration", "email", "hostname",
                                          "uri", "ipv4", "ipv6", "uuid", NULL};
    char w[512];
    for (size_t i = 0; bounds[i]; i++)
        if (member(s, bounds[i]))
            an_problem(l, "For '%s' type, property '%s' is not supported", type_name(s), bounds[i]);
    yajl_val mi = member(s, "minItems");
    if (mi && !(YAJL_IS_INTEGER(mi) && (YAJL_GET_INTEGER(mi) == 0 || YAJL_GET_INTEGER(mi) == 1)))
        an_problem(l, "For '%s' type, property 'minItems' is only supported with the values 0 and 1 (at %s)",
                   type_name(s), an_where(l, w, sizeof w));
    if (is_object_schema(s)) {
        yajl_val ap = member(s, "additionalProperties");
        if (!ap)
            an_problem(l, "For 'object' type, 'additionalProperties' must be explicitly set to false");
        else if (YAJL_IS_TRUE(ap))
            an_problem(l, "For 'object' type, 'additionalProperties: true' is not supported. Please set "
                          "'additionalProperties' to false");
        else if (!YAJL_IS_FALSE(ap))
            an_problem(l, "For 'object' type, 'additionalProperties' as a schema is not supported. Please set "
                          "'additionalProperties' to false (at %s)", an_where(l, w, sizeof w));
    }
    yajl_val en = member(s, "enum");
    for (size_t i = 0; YAJL_IS_ARRAY(en) && i < en->u.array.len; i++)
        if (YAJL_IS_OBJECT(en->u.array.values[i]) || YAJL_IS_ARRAY(en->u.array.values[i])) {
            an_problem(l, "enum values must be strings, numbers, booleans or null (at %s)", an_where(l, w, sizeof w));
            break;
        }
    yajl_val f = member(s, "format");
    if (YAJL_IS_STRING(f) && !in_list(f->u.string, formats))
        an_problem(l, "format '%s' is not supported (at %s)", f->u.string, an_where(l, w, sizeof w));
    yajl_val pat = member(s, "pattern");
    if (YAJL_IS_STRING(pat)) {
        const char *p = pat->u.string;
        for (size_t i = 0; p[i]; i++) {
            if (p[i] == '\\' && p[i + 1]) {
                char c = p[i + 1];
                if ((c >= '1' && c <= '9') || c == 'b' || c == 'B' || c == 'k') {
                    an_problem(l, "pattern: backreferences and word boundaries are not supported (at %s)",
                               an_where(l, w, sizeof w));
                    break;
                }
                i++;
            } else if (p[i] == '(' && p[i + 1] == '?' && (p[i + 2] == '=' || p[i + 2] == '!' || p[i + 2] == '<')) {
                an_problem(l, "pattern: lookahead and lookbehind are not supported (at %s)", an_where(l, w, sizeof w));
                break;
            }
        }
    }
    yajl_val ref = member(s, "$ref");
    if (YAJL_IS_STRING(ref) && ref->u.string[0] != '#')
        an_problem(l, "external $ref '%s' is not supported (at %s)", ref->u.string, an_where(l, w, sizeof w));
    yajl_val all = member(s, "allOf");
    for (size_t i = 0; YAJL_IS_ARRAY(all) && i < all->u.array.len; i++)
        if (member(all->u.array.values[i], "$ref")) {
            an_problem(l, "'allOf' with '$ref' is not supported (at %s)", an_where(l, w, sizeof w));
            break;
        }
}

static void an_end(lint *l, yajl_val root)
{
    if (recursive(root))
        an_problem(l, "recursive schemas are not supported");
    if (l->optional > AN_MAX_OPTIONAL)
        an_problem(l, "%zu optional properties exceed the limit of %d across strict schemas", l->optional,
                   AN_MAX_OPTIONAL);
    if (l->unions > AN_MAX_UNIONS)
        an_problem(l, "%zu properties with anyOf or type arrays exceed the limit of %d across strict schemas",
                   l->unions, AN_MAX_UNIONS);
}

static const provider k_anthropic = {"anthropic", an_allowed, an_keyword, NULL, an_node, an_end};

/* ---- Gemini ------------------------------------------------------------------ */

static const char *const gm_allowed[] = {
    "type", "title", "description", "enum", "format", "minimum", "maximum", "items", "prefixItems",
    "minItems", "maxItems", "properties", "required", "additionalProperties", "propertyOrdering",
    "anyOf", "$ref", "$defs", "$id", "$anchor", "$schema", NULL,
};

/* Unknown name "K" at 'generation_config.response_json_schema.PATH': ... */
static void gm_keyword(lint *l, const char *k)
{
    fprintf(l->out, "Unknown name \"%s\" at 'generation_config.response_json_schema", k);
    for (size_t i = 0; i < l->nctx && i < 256; i++)
        fprintf(l->out, ".%s", l->ctx[i]);
    fputs("': not enforced, Gemini ignores it.\n", l->out);
    l->problems++;
}

static const provider k_gemini = {"gemini", gm_allowed, gm_keyword, NULL, NULL, NULL};

/* ---- the command ------------------------------------------------------------- */

int cli_schema_lint(FILE *out, const char *pname, const char *name, const char *text,
                    size_t len)
{
    static const provider *const providers[] = {&k_openai, &k_anthropic, &k_gemini};
    const provider *p = NULL;
    for (size_t i = 0; i < sizeof providers / sizeof providers[0]; i++)
        if (strcmp(pname, providers[i]->name) == 0)
            p = providers[i];
    if (!p)
        return -2;
    char ebuf[256];
    yajl_val root = yajl_tree_parse(text, ebuf, sizeof ebuf);
    if (!root) {
        fprintf(out, "not JSON: %s\n", ebuf);
        return -1;
    }
    lint l;
    memset(&l, 0, sizeof l);
    l.out = out;
    l.p = p;
    l.name = name;
    l.root = root;
    if (p->root)
        p->root(&l, root);
    walk(&l, root);
    if (p->end)
        p->end(&l, root);
    /* and the library's own subset */
    llmj_schema *s = NULL;
    llmj_schema_error e;
    llmj_status st = llmj_schema_compile(&s, text, len, NULL, &e);
    if (st == LLMJ_SCHEMA_UNSUPPORTED) {
        fprintf(out, "llmjson cannot validate it: %s\n", e.message);
        l.problems++;
    }
    llmj_schema_free(s);
    yajl_tree_free(root);
    return l.problems > INT_MAX ? INT_MAX : (int)l.problems;
}

static int run_lint(int argc, char **argv)
{
    const char *cmd = "schema lint";
    const char *pname = "openai", *name = NULL, *path = NULL;
    for (int i = 2; i < argc; i++) {
        int r;
        if ((r = cli_option_value(cmd, argc, argv, &i, "--provider", &pname)) != 0) {
            if (r < 0)
                return CLI_EXIT_FAILURE;
        } else if ((r = cli_option_value(cmd, argc, argv, &i, "--name", &name)) != 0) {
            if (r < 0)
                return CLI_EXIT_FAILURE;
        } else if (cli_is_option(argv[i]) && strcmp(argv[i], "-") != 0) {
            return cli_usage_error(cmd, "unknown option '%s'", argv[i]);
        } else if (path) {
            return cli_usage_error(cmd, "one schema file at most ('%s' and '%s')", path, argv[i]);
        } else {
            path = argv[i];
        }
    }
    if (!path)
        return cli_usage_error(cmd, "a schema FILE is needed");
    if (strcmp(pname, "openai") && strcmp(pname, "anthropic") && strcmp(pname, "gemini"))
        return cli_usage_error(cmd, "--provider %s: openai, gemini or anthropic", pname);
    char base[128];
    if (!name) {
        const char *b = strrchr(path, '/');
        b = b ? b + 1 : path;
        snprintf(base, sizeof base, "%s", b);
        char *dot = strstr(base, ".json");
        if (dot)
            *dot = '\0';
        name = base;
    }
    cli_input in;
    if (cli_input_open(&in, path) != 0)
        return CLI_EXIT_FAILURE;
    size_t len = 0;
    char *text = cli_input_read_all(&in, &len);
    if (!text) {
        cli_input_close(&in);
        return CLI_EXIT_FAILURE;
    }
    char ebuf[256];
    yajl_val root = yajl_tree_parse(text, ebuf, sizeof ebuf);
    if (!root) {
        cli_error("%s: not JSON: %s", in.name, ebuf);
        free(text);
        cli_input_close(&in);
        return CLI_EXIT_INVALID;
    }
    yajl_tree_free(root);
    int problems = cli_schema_lint(stdout, pname, name, text, len);
    free(text);
    cli_input_close(&in);
    return problems ? CLI_EXIT_INVALID : CLI_EXIT_COMPLETE;
}

static int run_schema(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "lint") != 0)
        return cli_usage_error("schema", "a subcommand is needed: lint");
    return run_lint(argc, argv);
}

const cli_command cli_cmd_schema = {
    "schema", run_schema,
    "check a JSON Schema against a provider's rules for strict structured outputs",
    schema_help};
