/* SPDX-License-Identifier: Apache-2.0 */
/* monitor/monitor_main.c: cella-monitor, the dev-mode monitor the host runtime starts for each
 * enclave. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "monitor.h"
#include "protocol.h"

/*
 * Started by the host runtime (host/sandbox.c) with its end of a socket pair as fd
 * CELLA_MONITOR_HOST_FD, the host's pid and the state directory of the platform secrets as
 * arguments (monitor/protocol.h), from a thread that lives
 * as long as the enclave: the monitor dies with that thread (PR_SET_PDEATHSIG), and stops
 * at once if the host is already gone.
 */
int main(int argc, char **argv)
{
    char *end = NULL;

    if (argc != 3) {
        fprintf(stderr, "cella-monitor: started by the cella host runtime only (it loads one "
                        "enclave for the process that starts it); to serve many hosts as a "
                        "separate user, run cella-platformd\n");
        return 64;
    }
    long host_pid = strtol(argv[1], &end, 10);
    if (*end != '\0' || prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0 ||
        getppid() != (pid_t)host_pid)
        return 1;
    (void)close_range(CELLA_MONITOR_HOST_FD + 1, ~0u, 0);
    return cella_monitor_serve(CELLA_MONITOR_HOST_FD, argv[2]);
}
