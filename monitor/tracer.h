/* SPDX-License-Identifier: Apache-2.0 */
/* monitor/tracer.h: whether this process is traced (cella-monitor and cella-enclave). */
#ifndef CELLA_MONITOR_TRACER_H
#define CELLA_MONITOR_TRACER_H

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

/*
 * The process tracing this one (TracerPid in /proc/self/status), 0 when none, -1 when it
 * cannot be told. Made non-dumpable first, a process cannot be attached to any more; this
 * finds a tracer that attached before, for instance one that followed the host's forks.
 */
static inline pid_t cella_tracer_pid(void)
{
    char status[4096];
    int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, status, sizeof(status) - 1);
    close(fd);
    if (n <= 0)
        return -1;
    status[n] = '\0';
    const char *line = strstr(status, "\nTracerPid:");
    if (line == NULL)
        return -1;
    return (pid_t)strtol(line + sizeof("\nTracerPid:") - 1, NULL, 10);
}

#endif /* CELLA_MONITOR_TRACER_H */
