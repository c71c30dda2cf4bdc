/* llmjson schema lint — check a JSON Schema against a provider's published
 * rules for strict structured outputs before a request is sent, and print
 * each problem in the provider's own form (docs/schema.md cites where each
 * rule comes from). Also refuses a schema the library cannot validate. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

static const char schema_help[] =
    "usage: llmjson schema lint [--provider openai] [--name NAME] FILE\n"
    "\n"
    "Check a JSON Schema against the provider's rules for strict structured\n"
    "outputs (OpenAI: response_format json_schema with strict: true, and strict\n"
    "function tools) and print every problem, one per line, on stdout, in the\n"
    "API's own form:\n"
    "  Invalid schema for response_format 'NAME': In context=('properties', 'pet'),\n"
    "  'oneOf' is not permitted.\n"
    "Then the schema is compiled by the library (docs/schema.md): a keyword it\n"
    "cannot validate is reported too.\n"
    "\n"
    "  --provider P          openai (the default; gemini and anthropic: not yet)\n"
    "  --name NAME           the schema's name in the messages (default: the file\n"
    "                        name without its folder and .json)\n"
    "\n"
    "exit status: 0 accepted, 3 refused, 1 usage or I/O error.\n";

/* OpenAI's limits (docs/schema.md) */
#define OA_MAX_PROPS 5000
#define OA_MAX_DEPTH 10
#define OA_MAX_CHARS 120000
#define OA_MAX_ENUM 1000
#define OA_BIG_ENUM 250
#define OA_BIG_ENUM_CHARS 15000

typedef struct lint {
    const char *name;
    const char *ctx[256];
    size_t nctx;
    size_t problems;
    size_t props, chars, enums;
    size_t max_depth;
} lint;

static void problem(lint *l, const char *fmt, const char *a, const char *b)
{
    printf("Invalid schema for response_format '%s': In context=(", l->name);
    for (size_t i = 0; i < l->nctx; i++)
        printf("%s'%s'", i ? ", " : "", l->ctx[i]);
    printf("%s), ", l->nctx == 1 ? "," : "");
    printf(fmt, a, b);
    putchar('\n');
    l->problems++;
}

static void plain(lint *l, const char *msg)
{
    printf("Invalid schema for response_format '%s': %s\n", l->name, msg);
    l->problems++;
}

static const char *const k_allowed[] = {
    "type", "properties", "required", "additionalProperties", "items", "anyOf", "$ref", "$defs",
    "definitions", "enum", "const", "description", "title", "pattern", "format", "minimum",
    "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minItems", "maxItems",
    "$schema", "$id", NULL,
};

static int allowed(const char *k)
{
    for (int i = 0; k_allowed[i]; i++)
        if (strcmp(k, k_allowed[i]) == 0)
            return 1;
    return 0;
}

static yajl_val member(yajl_val o, const char *k)
{
    if (!YAJL_IS_OBJECT(o))
        return NULL;
    for (size_t i = 0; i < o->u.object.len; i++)
        if (strcmp(o->u.object.keys[i], k) == 0)
            return o->u.object.values[i];
    return NULL;
}

static int is_object_schema(yajl_val s)
{
    yajl_val t = member(s, "type");
    if (YAJL_IS_STRING(t))
        return strcmp(t->u.string, "object") == 0;
    if (YAJL_IS_ARRAY(t))
        for (size_t i = 0; i < t->u.array.len; i++)
            if (YAJL_IS_STRING(t->u.array.values[i]) && strcmp(t->u.array.values[i]->u.string, "object") == 0)
                return 1;
    return member(s, "properties") != NULL;
}

static void push(lint *l, const char *seg)
{
    if (l->nctx < 256)
        l->ctx[l->nctx] = seg;
    l->nctx++;
}

static void walk(lint *l, yajl_val s, size_t depth);

static void walk_child(lint *l, yajl_val s, const char *seg1, const char *seg2, size_t depth)
{
    size_t old = l->nctx;
    push(l, seg1);
    if (seg2)
        push(l, seg2);
    walk(l, s, depth);
    l->nctx = old;
}

static void walk(lint *l, yajl_val s, size_t depth)
{
    if (!YAJL_IS_OBJECT(s))
        return;
    /* keywords */
    for (size_t i = 0; i < s->u.object.len; i++) {
        const char *k = s->u.object.keys[i];
        if (!allowed(k))
            problem(l, "'%s' is not permitted.%s", k, "");
    }
    if (member(s, "$ref") && s->u.object.len > 1) {
        for (size_t i = 0; i < s->u.object.len; i++) {
            const char *k = s->u.object.keys[i];
            if (strcmp(k, "$ref") && strcmp(k, "description") && strcmp(k, "title"))
                problem(l, "'$ref' cannot have sibling keywords; found '%s'.%s", k, "");
        }
    }
    /* objects */
    if (is_object_schema(s)) {
        if (depth > l->max_depth)
            l->max_depth = depth;
        yajl_val ap = member(s, "additionalProperties");
        if (!ap || !YAJL_IS_FALSE(ap))
            problem(l, "'additionalProperties' is required to be supplied and to be false.%s%s", "", "");
        yajl_val props = member(s, "properties");
        yajl_val req = member(s, "required");
        if (YAJL_IS_OBJECT(props)) {
            for (size_t i = 0; i < props->u.object.len; i++) {
                const char *k = props->u.object.keys[i];
                l->props++;
                l->chars += strlen(k);
                int found = 0;
                for (size_t j = 0; YAJL_IS_ARRAY(req) && j < req->u.array.len && !found; j++)
                    found = YAJL_IS_STRING(req->u.array.values[j]) && strcmp(req->u.array.values[j]->u.string, k) == 0;
                if (!found)
                    problem(l, "'required' is required to be supplied and to be an array including every key in properties. Missing '%s'.%s",
                            k, "");
            }
            for (size_t i = 0; i < props->u.object.len; i++)
                walk_child(l, props->u.object.values[i], "properties", props->u.object.keys[i], depth + 1);
        }
    }
    /* enums */
    yajl_val en = member(s, "enum");
    if (YAJL_IS_ARRAY(en)) {
        size_t chars = 0;
        for (size_t i = 0; i < en->u.array.len; i++)
            if (YAJL_IS_STRING(en->u.array.values[i]))
                chars += strlen(en->u.array.values[i]->u.string);
        l->enums += en->u.array.len;
        l->chars += chars;
        if (en->u.array.len > OA_BIG_ENUM && chars > OA_BIG_ENUM_CHARS) {
            char msg[160];
            snprintf(msg, sizeof msg, "%zu", chars);
            problem(l, "an enum of more than 250 values has %s characters in total, over the limit of 15000.%s", msg, "");
        }
    }
    yajl_val cst = member(s, "const");
    if (YAJL_IS_STRING(cst))
        l->chars += strlen(cst->u.string);
    /* anyOf: object branches need distinct first keys */
    yajl_val any = member(s, "anyOf");
    if (YAJL_IS_ARRAY(any)) {
        for (size_t i = 0; i < any->u.array.len; i++) {
            yajl_val bi = member(any->u.array.values[i], "properties");
            if (!YAJL_IS_OBJECT(bi) || bi->u.object.len == 0)
                continue;
            for (size_t j = 0; j < i; j++) {
                yajl_val bj = member(any->u.array.values[j], "properties");
                if (YAJL_IS_OBJECT(bj) && bj->u.object.len && strcmp(bi->u.object.keys[0], bj->u.object.keys[0]) == 0)
                    problem(l, "'anyOf' object branches must begin with different properties; two begin with '%s'.%s",
                            bi->u.object.keys[0], "");
            }
        }
        for (size_t i = 0; i < any->u.array.len; i++) {
            char idx[24]; /* lives while the branch is walked */
            snprintf(idx, sizeof idx, "%zu", i);
            walk_child(l, any->u.array.values[i], "anyOf", idx, depth);
        }
    }
    yajl_val items = member(s, "items");
    if (items)
        walk_child(l, items, "items", NULL, depth);
    const char *defkw[] = {"$defs", "definitions"};
    for (int d = 0; d < 2; d++) {
        yajl_val defs = member(s, defkw[d]);
        if (!YAJL_IS_OBJECT(defs))
            continue;
        for (size_t i = 0; i < defs->u.object.len; i++) {
            l->chars += strlen(defs->u.object.keys[i]);
            walk_child(l, defs->u.object.values[i], defkw[d], defs->u.object.keys[i], depth);
        }
    }
}

static int run_lint(int argc, char **argv)
{
    const char *cmd = "schema lint";
    const char *provider = "openai", *name = NULL, *path = NULL;
    for (int i = 2; i < argc; i++) {
        int r;
        if ((r = cli_option_value(cmd, argc, argv, &i, "--provider", &provider)) != 0) {
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
    if (strcmp(provider, "openai") != 0)
        return cli_usage_error(cmd, "--provider %s: only openai's rules are implemented so far", provider);
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
    lint l;
    memset(&l, 0, sizeof l);
    l.name = name;
    yajl_val t = member(root, "type");
    if (!YAJL_IS_OBJECT(root) || !YAJL_IS_STRING(t) || strcmp(t->u.string, "object") != 0 || member(root, "anyOf")) {
        char msg[200];
        snprintf(msg, sizeof msg, "schema must be a JSON Schema of 'type: \"object\"', got 'type: \"%s\"'.",
                 YAJL_IS_STRING(t) ? t->u.string : "None");
        plain(&l, msg);
    }
    walk(&l, root, 1);
    char msg[200];
    if (l.max_depth > OA_MAX_DEPTH) {
        snprintf(msg, sizeof msg, "%zu levels of nesting exceeds limit of %d.", l.max_depth, OA_MAX_DEPTH);
        plain(&l, msg);
    }
    if (l.props > OA_MAX_PROPS) {
        snprintf(msg, sizeof msg, "%zu object properties exceeds limit of %d.", l.props, OA_MAX_PROPS);
        plain(&l, msg);
    }
    if (l.chars > OA_MAX_CHARS) {
        snprintf(msg, sizeof msg, "%zu characters of property names, definition names, enum and const values exceeds limit of %d.",
                 l.chars, OA_MAX_CHARS);
        plain(&l, msg);
    }
    if (l.enums > OA_MAX_ENUM) {
        snprintf(msg, sizeof msg, "%zu enum values exceeds limit of %d.", l.enums, OA_MAX_ENUM);
        plain(&l, msg);
    }
    /* and the library's own subset */
    llmj_schema *s = NULL;
    llmj_schema_error e;
    llmj_status st = llmj_schema_compile(&s, text, len, NULL, &e);
    if (st == LLMJ_SCHEMA_UNSUPPORTED) {
        printf("llmjson cannot validate it: %s\n", e.message);
        l.problems++;
    }
    llmj_schema_free(s);
    yajl_tree_free(root);
    free(text);
    cli_input_close(&in);
    return l.problems ? CLI_EXIT_INVALID : CLI_EXIT_COMPLETE;
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
