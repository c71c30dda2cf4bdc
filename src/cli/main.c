/* llmjson tool — the entry point: dispatch on the command table. */
#include "cli.h"

#include <string.h>

/* Every subcommand, in the order `llmjson --help` lists them. Adding one is
 * this one line (src/cli/cmd_NAME.c defines cli_cmd_NAME; see cli.h). */
#define CLI_COMMANDS(X) \
    X(repair)           \
    X(check)            \
    X(replay)           \
    X(stream)           \
    X(schema)

#define CLI_DECLARE(name) extern const cli_command cli_cmd_##name;
#define CLI_ENTRY(name) &cli_cmd_##name,

CLI_COMMANDS(CLI_DECLARE)

static const cli_command *const commands[] = {CLI_COMMANDS(CLI_ENTRY)};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static const cli_command *find_command(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i]->name, name) == 0)
            return commands[i];
    return NULL;
}

static void print_usage(FILE *out)
{
    fputs("usage: llmjson COMMAND [OPTIONS] [FILE|-]\n"
          "       llmjson help COMMAND | --help | --version\n"
          "\n"
          "JSON that LLMs stream: check it, salvage the longest valid prefix of a\n"
          "truncated text.\n"
          "\n"
          "commands:\n",
          out);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(out, "  %-8s %s\n", commands[i]->name, commands[i]->summary);
    fputs("\n"
          "exit status: 0 complete, 2 truncated, 3 invalid, 4 runaway, 5 empty,\n"
          "6 HTTP error, 7 transfer failure or timeout, 8 cancelled (stream),\n"
          "1 usage or I/O error. FILE '-' or none reads standard input.\n",
          out);
}

/* Flush stdout and turn a write failure (a full disk, a closed pipe) into
 * exit status 1. */
static int finish(int status)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fputs("llmjson: error writing to standard output\n", stderr);
        return CLI_EXIT_FAILURE;
    }
    return status;
}

static int help_for(const char *name)
{
    const cli_command *c = find_command(name);
    if (c == NULL) {
        cli_error("unknown command '%s' (try 'llmjson --help')", name);
        return CLI_EXIT_FAILURE;
    }
    fputs(c->help, stdout);
    if (c->help_more)
        fputs(c->help_more, stdout);
    return finish(CLI_EXIT_COMPLETE);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_usage(stderr);
        return CLI_EXIT_FAILURE;
    }
    const char *arg = argv[1];
    if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
        print_usage(stdout);
        return finish(CLI_EXIT_COMPLETE);
    }
    if (strcmp(arg, "--version") == 0) {
        printf("llmjson %s\n", llmj_version());
        return finish(CLI_EXIT_COMPLETE);
    }
    if (strcmp(arg, "help") == 0) {
        if (argc == 2) {
            print_usage(stdout);
            return finish(CLI_EXIT_COMPLETE);
        }
        if (argc > 3) {
            cli_error("help takes one command name");
            return CLI_EXIT_FAILURE;
        }
        return help_for(argv[2]);
    }
    const cli_command *c = find_command(arg);
    if (c == NULL) {
        cli_error("unknown %s '%s' (try 'llmjson --help')",
                  cli_is_option(arg) ? "option" : "command", arg);
        return CLI_EXIT_FAILURE;
    }
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return help_for(c->name);
    }
    return finish(c->run(argc - 1, argv + 1));
}
