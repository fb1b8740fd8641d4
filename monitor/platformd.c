/* SPDX-License-Identifier: Apache-2.0 */
/* monitor/platformd.c: cella-platformd, the monitor as a long-lived service for many hosts. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cella/log.h>

#include "host/keys.h"
#include "monitor.h"

/*
 * Service mode. The daemon runs as a dedicated system user and listens on a Unix
 * SOCK_SEQPACKET socket; every host that connects gets a monitor of its own, a child forked
 * for the connection that runs cella_monitor_serve() on it: the same loading, measuring and
 * watching as dev mode's cella-monitor, so the enclave process runs as the daemon's user and
 * the application's user cannot read, trace or signal it. The daemon itself holds nothing of
 * any enclave; it only accepts, forks and reaps.
 *
 * Lifecycle: a host that goes away closes its connection (its monitor kills the enclave
 * process and exits); a monitor that dies closes the connection (the host's calls return
 * SGX_ERROR_ENCLAVE_LOST); the daemon stopping (SIGTERM, SIGINT) stops every monitor, and
 * each monitor's enclave process follows it (PR_SET_PDEATHSIG).
 *
 * The socket is the one systemd passes (socket activation, LISTEN_FDS) or one created at
 * --socket; access to it is access to the service, so it is created with mode 0660 (or
 * --socket-mode) and, with --group, owned by that group.
 */

#define DEFAULT_SOCKET_PATH  "/run/cella/platform.sock"
#define DEFAULT_STATE_DIR    "/var/lib/cella"
#define DEFAULT_MAX_MONITORS 256
#define DEFAULT_MAX_PER_USER 64 /* of them, for one user: no user can take all of them */
#define LISTEN_FDS_START     3  /* systemd's first passed descriptor */

struct options {
    const char *socket_path;
    mode_t socket_mode;
    const char *group;
    long max_monitors;
    long max_per_user;
    char state_dir[PATH_MAX]; /* of the platform secrets */
};

static void say(const char *format, ...) __attribute__((format(printf, 1, 2)));

/* One line on stderr (the journal, under systemd). */
static void say(const char *format, ...)
{
    char line[1024];
    va_list arguments;

    va_start(arguments, format);
    vsnprintf(line, sizeof(line), format, arguments);
    va_end(arguments);
    fprintf(stderr, "cella-platformd: %s\n", line);
}

static void log_to_stderr(void *context, cella_log_level_t level, const char *message)
{
    (void)context;
    say("%s%s",
        level == CELLA_LOG_ERROR     ? "error: "
        : level == CELLA_LOG_WARNING ? "warning: "
                                     : "",
        message);
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: cella-platformd [--socket PATH] [--socket-mode MODE] [--group NAME]\n"
            "                       [--max-enclaves N] [--max-enclaves-per-user N]\n"
            "                       [--state-dir DIR]\n"
            "\n"
            "Runs cella's sandbox monitor as a service: applications whose CELLA_PLATFORM_SOCKET\n"
            "(or cella_enclave_options_t.platform_socket) names this socket get their enclaves\n"
            "loaded, measured and run as this daemon's user, out of the application user's reach.\n"
            "\n"
            "  --socket PATH       listen here (default %s); ignored when systemd\n"
            "                      passes a socket (socket activation)\n"
            "  --socket-mode MODE  the socket's permissions, octal (default 0660)\n"
            "  --group NAME        the socket's group: its members may run enclaves here\n"
            "  --max-enclaves N    enclaves served at once; further hosts wait, up to 2 minutes\n"
            "                      (default %d)\n"
            "  --max-enclaves-per-user N\n"
            "                      of those, at most N for one user; more are refused\n"
            "                      (default %d, or --max-enclaves if that is less)\n"
            "  --state-dir DIR     where the platform secrets live, created on first start\n"
            "                      (default: $STATE_DIRECTORY from systemd, else %s);\n"
            "                      losing them makes every sealed blob unreadable: back it up\n"
            "  --help              this text\n"
            "\n"
            "Run it as a dedicated user with an unlimited locked-memory limit (enclave memory\n"
            "is charged to it): see cella-platformd.service. It stops on SIGTERM or SIGINT,\n"
            "and every enclave it runs stops with it.\n",
            DEFAULT_SOCKET_PATH, DEFAULT_MAX_MONITORS, DEFAULT_MAX_PER_USER, DEFAULT_STATE_DIR);
}

static bool parse_options(int argc, char **argv, struct options *o, int *exit_code)
{
    enum { OPT_SOCKET = 1, OPT_MODE, OPT_GROUP, OPT_MAX, OPT_MAX_PER_USER, OPT_STATE, OPT_HELP };
    static const struct option long_options[] = {
        {"socket", required_argument, NULL, OPT_SOCKET},
        {"socket-mode", required_argument, NULL, OPT_MODE},
        {"group", required_argument, NULL, OPT_GROUP},
        {"max-enclaves", required_argument, NULL, OPT_MAX},
        {"max-enclaves-per-user", required_argument, NULL, OPT_MAX_PER_USER},
        {"state-dir", required_argument, NULL, OPT_STATE},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    char *end = NULL;
    int option;

    o->socket_path = DEFAULT_SOCKET_PATH;
    o->socket_mode = 0660;
    o->group = NULL;
    o->max_monitors = DEFAULT_MAX_MONITORS;
    o->max_per_user = 0; /* the default, resolved below */
    /* systemd's StateDirectory= sets STATE_DIRECTORY, a colon-separated list: the first. */
    const char *state = getenv("STATE_DIRECTORY");
    size_t state_length = state != NULL ? strcspn(state, ":") : 0;
    if (state_length == 0 || state_length >= sizeof(o->state_dir)) {
        state = DEFAULT_STATE_DIR;
        state_length = strlen(state);
    }
    memcpy(o->state_dir, state, state_length);
    o->state_dir[state_length] = '\0';
    while ((option = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
        switch (option) {
        case OPT_SOCKET:
            o->socket_path = optarg;
            break;
        case OPT_MODE: {
            errno = 0;
            unsigned long mode = strtoul(optarg, &end, 8);
            if (errno != 0 || *end != '\0' || mode > 0777) {
                say("--socket-mode %s is not an octal mode such as 0660", optarg);
                *exit_code = 64;
                return false;
            }
            o->socket_mode = (mode_t)mode;
            break;
        }
        case OPT_GROUP:
            o->group = optarg;
            break;
        case OPT_MAX:
        case OPT_MAX_PER_USER: {
            long *count = option == OPT_MAX ? &o->max_monitors : &o->max_per_user;
            errno = 0;
            *count = strtol(optarg, &end, 10);
            if (errno != 0 || *end != '\0' || *count < 1 || *count > 65536) {
                say("--%s %s is not a number from 1 to 65536",
                    option == OPT_MAX ? "max-enclaves" : "max-enclaves-per-user", optarg);
                *exit_code = 64;
                return false;
            }
            break;
        }
        case OPT_STATE:
            if (optarg[0] != '/' || strlen(optarg) >= sizeof(o->state_dir)) {
                say("--state-dir %s must be an absolute path", optarg);
                *exit_code = 64;
                return false;
            }
            snprintf(o->state_dir, sizeof(o->state_dir), "%s", optarg);
            break;
        case OPT_HELP:
            usage(stdout);
            *exit_code = 0;
            return false;
        default:
            usage(stderr);
            *exit_code = 64;
            return false;
        }
    }
    if (optind != argc) {
        say("unexpected argument %s; see --help", argv[optind]);
        *exit_code = 64;
        return false;
    }
    if (strlen(o->socket_path) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
        say("--socket %s is longer than a Unix socket path can be", o->socket_path);
        *exit_code = 64;
        return false;
    }
    if (o->max_per_user == 0)
        o->max_per_user = DEFAULT_MAX_PER_USER;
    if (o->max_per_user > o->max_monitors)
        o->max_per_user = o->max_monitors;
    return true;
}

/* The socket systemd passed, or -1 when it passed none. */
static int activated_socket(void)
{
    const char *pid = getenv("LISTEN_PID");
    const char *fds = getenv("LISTEN_FDS");

    if (pid == NULL || fds == NULL || strtol(pid, NULL, 10) != (long)getpid())
        return -1;
    if (strcmp(fds, "1") != 0) {
        say("systemd passed %s sockets; cella-platformd takes exactly one", fds);
        return -2;
    }
    int type = 0;
    socklen_t length = sizeof(type);
    if (getsockopt(LISTEN_FDS_START, SOL_SOCKET, SO_TYPE, &type, &length) != 0 ||
        type != SOCK_SEQPACKET) {
        say("the socket systemd passed is not a SOCK_SEQPACKET socket: use "
            "ListenSequentialPacket= in the socket unit");
        return -2;
    }
    unsetenv("LISTEN_PID");
    unsetenv("LISTEN_FDS");
    unsetenv("LISTEN_FDNAMES");
    (void)fcntl(LISTEN_FDS_START, F_SETFD, FD_CLOEXEC);
    return LISTEN_FDS_START;
}

/* Creates, binds and listens; a stale socket of a daemon that is gone is replaced. */
static int create_socket(const struct options *o)
{
    struct sockaddr_un address = {.sun_family = AF_UNIX};
    struct stat st;
    int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

    if (fd < 0) {
        say("cannot create a socket: %s", strerror(errno));
        return -1;
    }
    memcpy(address.sun_path, o->socket_path, strlen(o->socket_path) + 1);
    if (lstat(o->socket_path, &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            say("%s exists and is not a socket; remove it or choose another --socket",
                o->socket_path);
            close(fd);
            return -1;
        }
        if (connect(fd, (const struct sockaddr *)&address, sizeof(address)) == 0) {
            say("another cella-platformd already listens on %s", o->socket_path);
            close(fd);
            return -1;
        }
        (void)unlink(o->socket_path);
    }
    /* Nobody may connect before the permissions are right. */
    mode_t previous = umask(0777);
    int bound = bind(fd, (const struct sockaddr *)&address, sizeof(address));
    int error = errno;
    umask(previous);
    if (bound != 0) {
        say("cannot listen on %s: %s%s", o->socket_path, strerror(error),
            error == ENOENT ? " (create its directory first, e.g. RuntimeDirectory=cella)" : "");
        close(fd);
        return -1;
    }
    if (o->group != NULL) {
        struct group *g = getgrnam(o->group);
        if (g == NULL || chown(o->socket_path, (uid_t)-1, g->gr_gid) != 0) {
            say("cannot give %s to group %s: %s", o->socket_path, o->group,
                g == NULL ? "no such group" : strerror(errno));
            goto fail;
        }
    }
    if (chmod(o->socket_path, o->socket_mode) != 0) {
        say("cannot set the mode of %s: %s", o->socket_path, strerror(errno));
        goto fail;
    }
    if (listen(fd, SOMAXCONN) != 0) {
        say("cannot listen on %s: %s", o->socket_path, strerror(errno));
        goto fail;
    }
    return fd;
fail:
    (void)unlink(o->socket_path);
    close(fd);
    return -1;
}

/* In the child for one connection: becomes its monitor. Never returns. */
static void run_monitor(int connection, int listener, int signals, pid_t daemon_pid,
                        const char *state_dir)
{
    sigset_t none;

    close(listener);
    close(signals);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    /* The monitor ends with the daemon; its enclave process ends with the monitor. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0 || getppid() != daemon_pid)
        _exit(1);
    _exit(cella_monitor_serve(connection, state_dir));
}

/* The monitors running, each with the user it serves; pid 0 marks a free entry. */
struct served {
    pid_t pid;
    uid_t uid;
};

/* Reaps every monitor that has ended and frees its entry; returns how many. */
static long reap_monitors(struct served *served, long capacity)
{
    long count = 0;
    int status;
    pid_t pid;

    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        count++;
        for (long i = 0; i < capacity; i++) {
            if (served[i].pid == pid)
                served[i].pid = 0;
        }
        if (WIFSIGNALED(status))
            say("the monitor %d ended by signal %d (%s)", (int)pid, WTERMSIG(status),
                strsignal(WTERMSIG(status)));
    }
    return count;
}

static long monitors_of(const struct served *served, long capacity, uid_t uid)
{
    long count = 0;
    for (long i = 0; i < capacity; i++)
        count += served[i].pid != 0 && served[i].uid == uid;
    return count;
}

static void serve(int listener, int signals, const struct options *o)
{
    long monitors = 0;
    pid_t self = getpid();
    struct served *served = calloc((size_t)o->max_monitors, sizeof(*served));

    if (served == NULL) {
        say("out of memory");
        return;
    }

    for (;;) {
        /* At the limit, stop accepting: new hosts wait in the backlog. */
        struct pollfd fds[2] = {
            {.fd = signals, .events = POLLIN},
            {.fd = monitors < o->max_monitors ? listener : -1, .events = POLLIN}};
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            say("poll failed: %s", strerror(errno));
            break;
        }
        if (fds[0].revents != 0) {
            struct signalfd_siginfo info;
            while (read(signals, &info, sizeof(info)) == (ssize_t)sizeof(info)) {
                if (info.ssi_signo == SIGCHLD) {
                    monitors -= reap_monitors(served, o->max_monitors);
                } else {
                    say("stopping on %s; %ld enclave(s) stop with it",
                        strsignal((int)info.ssi_signo), monitors);
                    free(served);
                    return;
                }
            }
        }
        if (fds[1].revents == 0)
            continue;
        int connection = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
        if (connection < 0) {
            if (errno != EINTR && errno != EAGAIN && errno != ECONNABORTED)
                say("accept failed: %s", strerror(errno));
            continue;
        }
        struct ucred peer = {0, 0, 0};
        socklen_t length = sizeof(peer);
        if (getsockopt(connection, SOL_SOCKET, SO_PEERCRED, &peer, &length) != 0) {
            say("cannot tell who connected: %s; connection closed", strerror(errno));
            close(connection);
            continue;
        }
        /* One user cannot take every enclave this daemon serves. */
        long own = monitors_of(served, o->max_monitors, peer.uid);
        if (own >= o->max_per_user) {
            say("uid %u (process %d) already has %ld enclave(s), the most one user may have "
                "(--max-enclaves-per-user); connection refused",
                (unsigned)peer.uid, (int)peer.pid, own);
            close(connection);
            continue;
        }
        pid_t child = fork();
        if (child == 0)
            run_monitor(connection, listener, signals, self, o->state_dir);
        if (child < 0) {
            say("cannot start a monitor for process %d (uid %u): %s", (int)peer.pid,
                (unsigned)peer.uid, strerror(errno));
        } else {
            monitors++;
            for (long i = 0; i < o->max_monitors; i++) {
                if (served[i].pid == 0) {
                    served[i] = (struct served){child, peer.uid};
                    break;
                }
            }
        }
        close(connection);
    }
    free(served);
}

int main(int argc, char **argv)
{
    struct options o;
    int exit_code = 0;
    sigset_t handled;

    if (!parse_options(argc, argv, &o, &exit_code))
        return exit_code;
    if (geteuid() == 0)
        say("warning: running as root, so enclaves run as root; run it as a dedicated user "
            "(User= in cella-platformd.service)");
    (void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);

    sigemptyset(&handled);
    sigaddset(&handled, SIGCHLD);
    sigaddset(&handled, SIGTERM);
    sigaddset(&handled, SIGINT);
    sigaddset(&handled, SIGHUP);
    sigprocmask(SIG_BLOCK, &handled, NULL);
    signal(SIGPIPE, SIG_IGN);
    int signals = signalfd(-1, &handled, SFD_CLOEXEC | SFD_NONBLOCK);
    if (signals < 0) {
        say("signalfd failed: %s", strerror(errno));
        return 1;
    }

    /* The platform secrets are read (or created) now, so a broken state directory stops the
     * service at its start with the reason, not an enclave's sealing later. */
    cella_log_set_level(CELLA_LOG_WARNING);
    cella_log_set_handler(log_to_stderr, NULL);
    cella_keys_secrets_t *secrets = NULL;
    if (cella_keys_secrets_create(o.state_dir, &secrets) != CELLA_OK) {
        say("the platform secrets in %s are not usable (the line above says why)", o.state_dir);
        return 1;
    }
    cella_keys_secrets_destroy(secrets);

    int listener = activated_socket();
    bool created = false;
    if (listener == -2)
        return 1;
    if (listener < 0) {
        listener = create_socket(&o);
        if (listener < 0)
            return 1;
        created = true;
    }
    say("listening on %s (enclaves run as uid %u)",
        created ? o.socket_path : "the socket systemd passed", (unsigned)geteuid());
    fflush(stderr);

    serve(listener, signals, &o);

    /* Every monitor ends with this process (PR_SET_PDEATHSIG), and each one's enclave
     * process with its monitor. */
    if (created)
        (void)unlink(o.socket_path);
    close(listener);
    return 0;
}
