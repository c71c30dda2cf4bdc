/* Starting and stopping build/llmj-testserver from a test or a benchmark.
 * Header-only (static inline), so the .c files of tests/server stay the server. */
#ifndef LLMJ_TEST_SPAWN_H
#define LLMJ_TEST_SPAWN_H

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct llmjt_server {
    pid_t pid;
    int port;
} llmjt_server;

/* Start the server (bin: $LLMJ_SERVER, else root/build/llmj-testserver)
 * serving root/corpus/streams then root/tests/server/fixtures; wait for its
 * port. 0, or -1 with a message on stderr. The server exits by itself after
 * idle_s seconds without a connection. */
static inline int llmjt_server_start(llmjt_server *s, const char *root, int idle_s)
{
    char bin[4096], d1[4096], d2[4096], idle[16];
    const char *env = getenv("LLMJ_SERVER");
    if (env && *env)
        snprintf(bin, sizeof bin, "%s", env);
    else
        snprintf(bin, sizeof bin, "%s/build/llmj-testserver", root);
    snprintf(d1, sizeof d1, "%s/corpus/streams", root);
    snprintf(d2, sizeof d2, "%s/tests/server/fixtures", root);
    snprintf(idle, sizeof idle, "%d", idle_s);
    s->pid = -1;
    s->port = 0;
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execl(bin, bin, "--dir", d1, "--dir", d2, "--idle", idle, "--life", "600", (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    s->pid = pid;
    char line[64];
    size_t n = 0;
    while (n < sizeof line - 1) {
        struct pollfd p = {fds[0], POLLIN, 0};
        if (poll(&p, 1, 10000) <= 0)
            break;
        if (read(fds[0], line + n, 1) <= 0 || line[n] == '\n')
            break;
        n++;
    }
    line[n] = 0;
    close(fds[0]);
    s->port = atoi(line);
    if (s->port <= 0) {
        fprintf(stderr, "the test server (%s) did not start\n", bin);
        kill(pid, SIGTERM);
        waitpid(pid, NULL, 0);
        s->pid = -1;
        return -1;
    }
    return 0;
}

/* Stop it and reap it. */
static inline void llmjt_server_stop(llmjt_server *s)
{
    if (s->pid > 0) {
        kill(s->pid, SIGTERM);
        waitpid(s->pid, NULL, 0);
        s->pid = -1;
    }
}

#endif
