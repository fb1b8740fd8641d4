/* SPDX-License-Identifier: Apache-2.0 */
/* monitor/monitor.c: the monitor: loads, measures and checks an enclave, then starts its process.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <seccomp.h>

#include <cella/image_verify.h>
#include <cella/memory.h>
#include <cella/layout.h>
#include <cella/log.h>
#include <sgx_error.h>

#include "../common/log_internal.h"
#include "../common/sandbox_abi.h"
#include "host/keys.h"
#include "host/platform.h"
#include "host/quoting.h"
#include "monitor.h"
#include "protocol.h"
#include "tracer.h"

/*
 * One monitor serves one enclave of one host, over a SOCK_SEQPACKET socket (protocol.h). In
 * dev mode the host runtime starts cella-monitor (monitor_main.c), as the host's user; in
 * service mode cella-platformd (platformd.c) forks one for each host that connects to it, as
 * the daemon's user. Either way the monitor plays the CPU's part in loading:
 *
 *   1. it receives the enclave file and the shared region from the host as open files,
 *      reads the file once and checks it (cella_image_verify_signed(): ELF, metadata,
 *      SIGSTRUCT, attributes, layout), independently of whatever the host checked;
 *   2. it creates the enclave's memory with memfd_secret, outside the kernel's direct map,
 *      writes every measured page into it and measures it there (cella_image_load(), the
 *      in-process loader's code: EADD, EEXTEND, and MRENCLAVE against SIGSTRUCT), then
 *      unmaps it, so it holds no mapping of enclave memory;
 *   3. it starts the enclave process with fork+exec of cella-enclave (next to the program),
 *      with nothing but the secret memory, the shared region and a channel; it never
 *      inherits monitor memory and gets an empty environment;
 *   4. it tells the host the enclave is ready, then waits: when the enclave process stops it
 *      tells the host why (a LOG naming the fault or the refused system call, which the
 *      enclave process reported on its channel, then ENCLAVE_EXITED); when the host goes
 *      away (its end of the socket closes) it kills the enclave process and exits.
 *
 * A missing kernel feature is an error with the remedy `cella detect` gives, never a
 * fallback to weaker isolation. Every message of the loader goes to the host's log.
 *
 * The monitor keeps the measured identity, for the platform services that need it (keys,
 * reports, quotes).
 *
 * A connection to cella-platformd may ask for a quote instead (QUOTE): then the monitor plays
 * the quoting enclave with the daemon's platform secrets, answers once and ends.
 */

#define MAX_ENCLAVE_FILE_BYTES  ((size_t)1 << 32)
#define SYS_memfd_secret_number 447

static int host_fd = -1;

struct monitor {
    const char *state_dir;         /* of the platform secrets; "" when none is known */
    cella_keys_secrets_t *secrets; /* read on the first platform request */
    bool secrets_tried;            /* that first read was made (and logged if it failed) */
    sgx_report_body_t identity;    /* as measured: what keys and reports are bound to */
    int file_fd;
    int shared_fd;
    int memory_fd;
    int channel_fd;
    uint8_t *file;
    size_t file_size;
    cella_image_info_t info;
    cella_monitor_load_t load;
    pid_t enclave_pid;
    int enclave_pidfd;
};

/* ---- messages to the host ------------------------------------------------------------------- */

static void send_to_host(const void *message, size_t size)
{
    while (send(host_fd, message, size, MSG_NOSIGNAL) < 0 && errno == EINTR) {
    }
}

static void log_to_host(void *context, cella_log_level_t level, const char *message)
{
    cella_monitor_log_t log;

    (void)context;
    memset(&log, 0, sizeof(log));
    log.type = CELLA_MONITOR_MSG_LOG;
    log.level = (uint32_t)level;
    snprintf(log.text, sizeof(log.text), "%s", message);
    send_to_host(&log, sizeof(log));
}

static void send_failed(sgx_status_t status)
{
    cella_monitor_failed_t failed = {.type = CELLA_MONITOR_MSG_FAILED, .status = (int32_t)status};
    send_to_host(&failed, sizeof(failed));
}

/* ---- remedies for missing kernel features (the texts of `cella detect`) --------------------- */

static void log_feature_remedy(uint32_t feature, int error, const char *step)
{
    cella_platform_facts_t *facts = calloc(1, sizeof(*facts));
    cella_platform_report_t *report = calloc(1, sizeof(*report));
    struct utsname name;

    if (feature == CELLA_ENCLAVE_FEATURE_FSGSBASE) {
        cella_log(CELLA_LOG_ERROR, "the sandbox backend needs the FSGSBASE instructions, which "
                                   "this CPU or kernel does not allow: use Linux 5.9 or later "
                                   "on a CPU with FSGSBASE");
        goto out;
    }
    if (facts == NULL || report == NULL)
        goto out;
    facts->x86_64_linux = true;
    facts->memfd_secret_errno = -1;
    facts->seccomp_filter_errno = -1;
    facts->seccomp_mode = -1;
    facts->kvm_errno = -1;
    facts->aesm_connect_errno = -1;
    facts->secretmem_enable_param = -1;
    if (uname(&name) == 0)
        snprintf(facts->kernel_release, sizeof(facts->kernel_release), "%s", name.release);
    const char *id = NULL;
    if (feature == CELLA_ENCLAVE_FEATURE_MEMFD_SECRET) {
        facts->memfd_secret_errno = error;
        facts->memfd_secret_step = step;
        id = "cella.memfd_secret";
    } else if (feature == CELLA_ENCLAVE_FEATURE_SECCOMP) {
        facts->seccomp_filter_errno = error;
        id = "cella.seccomp";
    } else {
        goto out;
    }
    cella_platform_get_report(facts, report);
    const cella_platform_check_t *check = cella_platform_get_check(report, id);
    if (check != NULL)
        cella_log(CELLA_LOG_ERROR, "the sandbox backend cannot run here: %s %s; remedy: %s",
                  check->title, check->detail, check->remedy);
out:
    free(facts);
    free(report);
}

/* ---- loading -------------------------------------------------------------------------------- */

static sgx_status_t status_of_check(cella_image_check_t check)
{
    switch (check) {
    case CELLA_IMAGE_CHECK_NONE:
        return SGX_SUCCESS;
    case CELLA_IMAGE_CHECK_ELF:
    case CELLA_IMAGE_CHECK_MEASUREMENT:
        return SGX_ERROR_INVALID_ENCLAVE;
    case CELLA_IMAGE_CHECK_NO_METADATA:
    case CELLA_IMAGE_CHECK_NOT_SIGNED:
    case CELLA_IMAGE_CHECK_METADATA:
        return SGX_ERROR_INVALID_METADATA;
    case CELLA_IMAGE_CHECK_SIGNATURE:
        return SGX_ERROR_INVALID_SIGNATURE;
    case CELLA_IMAGE_CHECK_CONFIG:
        return SGX_ERROR_INVALID_ATTRIBUTE;
    }
    return SGX_ERROR_INVALID_ENCLAVE;
}

/* How long a new monitor waits for the host's first message. */
#define FIRST_REQUEST_TIMEOUT_SECONDS 30

/* The host's first message: LOAD, or QUOTE on a connection to cella-platformd. */
union first_request {
    uint32_t type;
    cella_monitor_load_t load;
    cella_monitor_quote_t quote;
};

/* Receives LOAD and its two files, or QUOTE (which carries none: *quote is then true). */
static sgx_status_t receive_request(struct monitor *m, cella_monitor_quote_t *quote_request,
                                    bool *quote)
{
    union {
        char buffer[CMSG_SPACE(2 * sizeof(int))];
        struct cmsghdr align;
    } control;
    union first_request request;
    struct iovec iov = {.iov_base = &request, .iov_len = sizeof(request)};
    struct msghdr message = {.msg_iov = &iov,
                             .msg_iovlen = 1,
                             .msg_control = control.buffer,
                             .msg_controllen = sizeof(control.buffer)};
    ssize_t n;

    *quote = false;
    memset(&request, 0, sizeof(request));
    /* A host that connects and says nothing must not hold a monitor (in service mode, one of
     * the daemon's) for ever. */
    struct timeval deadline = {.tv_sec = FIRST_REQUEST_TIMEOUT_SECONDS, .tv_usec = 0};
    (void)setsockopt(host_fd, SOL_SOCKET, SO_RCVTIMEO, &deadline, sizeof(deadline));
    do {
        n = recvmsg(host_fd, &message, MSG_CMSG_CLOEXEC);
    } while (n < 0 && errno == EINTR);
    struct timeval none = {0, 0};
    (void)setsockopt(host_fd, SOL_SOCKET, SO_RCVTIMEO, &none, sizeof(none));
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        cella_log(CELLA_LOG_ERROR, "cella-monitor: the host sent no request within %d s",
                  FIRST_REQUEST_TIMEOUT_SECONDS);
        return SGX_ERROR_UNEXPECTED;
    }
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&message); c != NULL; c = CMSG_NXTHDR(&message, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
            c->cmsg_len < CMSG_LEN(sizeof(int)))
            continue;
        size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        int fds[2];
        for (size_t i = 0; i < count; i++) {
            int fd;
            memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
            /* LOAD carries exactly the enclave file and the shared region; the rest is shut. */
            if (count == 2 && m->file_fd < 0)
                fds[i] = fd;
            else
                close(fd);
        }
        if (count == 2 && m->file_fd < 0) {
            m->file_fd = fds[0];
            m->shared_fd = fds[1];
        }
    }
    if (n == (ssize_t)sizeof(request.quote) && !(message.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) &&
        request.type == CELLA_MONITOR_MSG_QUOTE &&
        request.quote.version == CELLA_MONITOR_PROTOCOL_VERSION) {
        /* A quote needs no files; any that came along are not kept. */
        *quote = true;
        *quote_request = request.quote;
        return SGX_SUCCESS;
    }
    m->load = request.load;
    if (n != (ssize_t)sizeof(m->load) || (message.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) ||
        m->load.type != CELLA_MONITOR_MSG_LOAD ||
        m->load.version != CELLA_MONITOR_PROTOCOL_VERSION || m->file_fd < 0 || m->shared_fd < 0) {
        cella_log(CELLA_LOG_ERROR, "cella-monitor: the host's load request is malformed (is the "
                                   "monitor from the same cella version as the application?)");
        return SGX_ERROR_UNEXPECTED;
    }
    return SGX_SUCCESS;
}

/* The one read of the enclave file: verification and loading both use this private copy. */
static sgx_status_t read_file(struct monitor *m)
{
    struct stat st;

    if (fstat(m->file_fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        cella_log(CELLA_LOG_ERROR, "the enclave file is not a regular file");
        return SGX_ERROR_ENCLAVE_FILE_ACCESS;
    }
    if (st.st_size <= 0 || (uint64_t)st.st_size > MAX_ENCLAVE_FILE_BYTES) {
        cella_log(CELLA_LOG_ERROR, "the enclave file has an impossible size (%lld bytes)",
                  (long long)st.st_size);
        return SGX_ERROR_INVALID_ENCLAVE;
    }
    m->file = malloc((size_t)st.st_size);
    if (m->file == NULL)
        return SGX_ERROR_OUT_OF_MEMORY;
    while (m->file_size < (size_t)st.st_size) {
        ssize_t n = pread(m->file_fd, m->file + m->file_size, (size_t)st.st_size - m->file_size,
                          (off_t)m->file_size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            cella_log(CELLA_LOG_ERROR, "cannot read the enclave file: %s",
                      n == 0 ? "it shrank while being read" : strerror(errno));
            return SGX_ERROR_ENCLAVE_FILE_ACCESS;
        }
        m->file_size += (size_t)n;
    }
    return SGX_SUCCESS;
}

static sgx_status_t verify(struct monitor *m)
{
    cella_image_check_t check = CELLA_IMAGE_CHECK_NONE;

    /* Everything but the measurement here; add_pages() measures the pages it places. */
    if (cella_image_verify_signed(m->file, m->file_size, &m->info, &check) != CELLA_OK) {
        cella_log(CELLA_LOG_ERROR, "cella-monitor refused the enclave: %s",
                  cella_image_check_str(check));
        return status_of_check(check);
    }
    if (m->load.debug && m->info.metadata.disable_debug) {
        cella_log(CELLA_LOG_ERROR, "the enclave is signed with DisableDebug=1 and cannot be "
                                   "created as a debug enclave");
        return SGX_ERROR_NDEBUG_ENCLAVE;
    }
    if (m->info.metadata.tcs_count > CELLA_SANDBOX_TCS_MAX) {
        cella_log(CELLA_LOG_ERROR, "the enclave has %u TCS; the sandbox backend runs at most %u",
                  m->info.metadata.tcs_count, CELLA_SANDBOX_TCS_MAX);
        return SGX_ERROR_INVALID_ENCLAVE;
    }
    return SGX_SUCCESS;
}

/*
 * The kernel charges secret memory as locked memory, to every process that maps it: the
 * enclave's pages must fit in RLIMIT_MEMLOCK (raised here to its hard limit, which the
 * enclave process inherits). Checked before anything is mapped, so that the error names the
 * sizes rather than a failed mmap.
 */
static sgx_status_t check_locked_memory(struct monitor *m)
{
    const cella_layout_t *layout = &m->info.layout;
    uint64_t needed = 0;
    struct rlimit limit;

    for (size_t i = 0; i < layout->range_count; i++) {
        cella_layout_range_t range;
        if (cella_layout_get_range(layout, i, &range) == CELLA_OK && range.is_added)
            needed += (uint64_t)range.page_count * CELLA_PAGE_BYTES;
    }
    if (getrlimit(RLIMIT_MEMLOCK, &limit) != 0)
        return SGX_SUCCESS;
    if (limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        (void)setrlimit(RLIMIT_MEMLOCK, &limit);
    }
    if (limit.rlim_cur == RLIM_INFINITY || needed <= limit.rlim_cur ||
        cella_platform_may_lock_beyond_limit())
        return SGX_SUCCESS;
    cella_log(CELLA_LOG_ERROR,
              "the enclave needs %llu KiB of secret memory, but this user may lock only %llu "
              "KiB (`ulimit -l`): the kernel charges secret memory as locked memory. Raise the "
              "limit (a line `USER - memlock unlimited` in /etc/security/limits.d/cella.conf, "
              "then log in again; LimitMEMLOCK=infinity for a systemd service), run enclaves "
              "through cella-platformd (its unit allows it), or shrink HeapMaxSize, "
              "StackMaxSize or TCSNum",
              (unsigned long long)(needed >> 10), (unsigned long long)(limit.rlim_cur >> 10));
    return SGX_ERROR_OUT_OF_EPC;
}

static int page_protection(uint64_t secinfo_flags)
{
    return ((secinfo_flags & CELLA_SECINFO_R) ? PROT_READ : 0) |
           ((secinfo_flags & CELLA_SECINFO_W) ? PROT_WRITE : 0) |
           ((secinfo_flags & CELLA_SECINFO_X) ? PROT_EXEC : 0);
}

static bool is_regular(const cella_layout_range_t *range)
{
    return (range->secinfo_flags & CELLA_SECINFO_PAGE_TYPE_MASK) ==
           CELLA_SECINFO_PAGE_TYPE(CELLA_PAGE_TYPE_REG);
}

/*
 * EADD and EEXTEND: every measured page into the secret memory at its enclave offset, measured
 * where it was written (cella_image_load(), the in-process loader's code), and compared with
 * SIGSTRUCT. Only the measured ranges are mapped, into a reservation that is unmapped again
 * at the end; heap pages and pages that start as zeros (stacks, SSA, TLS) are the memory's
 * zeros and are never touched here.
 */
static sgx_status_t add_pages(struct monitor *m)
{
    const cella_layout_t *layout = &m->info.layout;
    size_t size = (size_t)layout->enclave_size;
    cella_image_check_t check = CELLA_IMAGE_CHECK_NONE;
    sgx_status_t status = SGX_ERROR_UNEXPECTED;

    m->memory_fd = (int)syscall(SYS_memfd_secret_number, (unsigned long)O_CLOEXEC);
    if (m->memory_fd < 0) {
        log_feature_remedy(CELLA_ENCLAVE_FEATURE_MEMFD_SECRET, errno, "memfd_secret");
        return SGX_ERROR_FEATURE_NOT_SUPPORTED;
    }
    if (ftruncate(m->memory_fd, (off_t)size) != 0) {
        log_feature_remedy(CELLA_ENCLAVE_FEATURE_MEMFD_SECRET, errno, "ftruncate");
        return SGX_ERROR_OUT_OF_MEMORY;
    }
    uint8_t *base = mmap(NULL, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED) {
        cella_log(CELLA_LOG_ERROR, "cannot reserve %zu bytes of address space: %s", size,
                  strerror(errno));
        return SGX_ERROR_OUT_OF_MEMORY;
    }
    for (size_t i = 0; i < layout->range_count; i++) {
        cella_layout_range_t range;
        if (cella_layout_get_range(layout, i, &range) != CELLA_OK)
            goto out;
        if (!range.is_added || !range.is_measured)
            continue;
        size_t bytes = (size_t)range.page_count * CELLA_PAGE_BYTES;
        if (mmap(base + range.offset, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
                 m->memory_fd, (off_t)range.offset) == MAP_FAILED) {
            int error = errno;
            cella_log(CELLA_LOG_ERROR, "cannot map %zu bytes of secret memory: %s", bytes,
                      strerror(error));
            log_feature_remedy(CELLA_ENCLAVE_FEATURE_MEMFD_SECRET, error, "mmap");
            status = error == EPERM || error == ENOSYS ? SGX_ERROR_FEATURE_NOT_SUPPORTED
                                                       : SGX_ERROR_OUT_OF_MEMORY;
            goto out;
        }
    }
    if (cella_image_load(&m->info, base, &check) != CELLA_OK) {
        cella_log(CELLA_LOG_ERROR, "cella-monitor refused the enclave: %s",
                  cella_image_check_str(check));
        status = status_of_check(check == CELLA_IMAGE_CHECK_NONE ? CELLA_IMAGE_CHECK_MEASUREMENT
                                                                 : check);
        goto out;
    }
    status = SGX_SUCCESS;
out:
    /* The monitor keeps no mapping of enclave memory. */
    (void)munmap(base, size);
    return status;
}

/* What the enclave process maps, and where its threads start. */
static sgx_status_t build_plan(struct monitor *m, cella_enclave_plan_t *plan,
                               cella_enclave_range_t **ranges_out,
                               cella_enclave_thread_t **threads_out)
{
    const cella_layout_t *layout = &m->info.layout;
    cella_enclave_range_t *ranges = calloc(layout->range_count, sizeof(*ranges));
    cella_enclave_thread_t *threads = calloc(m->info.metadata.tcs_count, sizeof(*threads));
    uint32_t count = 0;
    sgx_status_t status = SGX_ERROR_UNEXPECTED;

    if (ranges == NULL || threads == NULL) {
        status = SGX_ERROR_OUT_OF_MEMORY;
        goto out;
    }
    for (size_t i = 0; i < layout->range_count; i++) {
        cella_layout_range_t range;
        if (cella_layout_get_range(layout, i, &range) != CELLA_OK)
            goto out;
        /* Guard pages are holes; TCS pages are the CPU's and stay inaccessible. */
        if (!range.is_added || !is_regular(&range))
            continue;
        int prot = page_protection(range.secinfo_flags);
        ranges[count].offset = range.offset;
        ranges[count].size = range.page_count * CELLA_PAGE_BYTES;
        ranges[count].prot = (uint32_t)prot;
        ranges[count].flags = (prot & PROT_EXEC) ? CELLA_ENCLAVE_RANGE_PRIVATE_COPY : 0;
        count++;
    }
    for (uint32_t t = 0; t < m->info.metadata.tcs_count; t++) {
        cella_thread_data_t thread_data;
        if (cella_layout_get_thread_data(layout, t, &thread_data) != CELLA_OK)
            goto out;
        threads[t].thread_data_offset = thread_data.thread_data_offset;
        threads[t].stack_top_offset = thread_data.stack_top_offset;
    }
    memset(plan, 0, sizeof(*plan));
    plan->version = CELLA_MONITOR_PROTOCOL_VERSION;
    plan->tcs_count = m->info.metadata.tcs_count;
    plan->range_count = count;
    plan->enclave_size = layout->enclave_size;
    plan->entry_offset = layout->entry;
    plan->shared_address = m->load.shared_address;
    plan->shared_size = m->load.shared_size;
    *ranges_out = ranges;
    *threads_out = threads;
    ranges = NULL;
    threads = NULL;
    status = SGX_SUCCESS;
out:
    free(ranges);
    free(threads);
    return status;
}

static bool write_full(int fd, const void *buffer, size_t size)
{
    const uint8_t *bytes = buffer;
    size_t done = 0;

    while (done < size) {
        ssize_t n = send(fd, bytes + done, size - done, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        done += (size_t)n;
    }
    return true;
}

static bool read_full(int fd, void *buffer, size_t size)
{
    uint8_t *bytes = buffer;
    size_t done = 0;

    while (done < size) {
        ssize_t n = read(fd, bytes + done, size - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        done += (size_t)n;
    }
    return true;
}

/* The stub sits next to this program: the same directory, never a path from the environment. */
static bool stub_path(char *path, size_t size)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

    if (n <= 0)
        return false;
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    if (slash == NULL)
        return false;
    *slash = '\0';
    return (size_t)snprintf(path, size, "%s/cella-enclave", self) < size;
}

/* A file descriptor moved above the fixed numbers the child receives, so dup2 cannot clobber. */
static int move_high(int fd)
{
    return fcntl(fd, F_DUPFD_CLOEXEC, 10);
}

/* Starts cella-enclave with its channel, the secret memory and the shared region. */
static sgx_status_t start_enclave(struct monitor *m)
{
    char path[PATH_MAX];
    char monitor_pid[24];
    int pair[2] = {-1, -1};
    int memory = -1, shared = -1, channel = -1;
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    bool actions_ready = false, attributes_ready = false;
    sgx_status_t status = SGX_ERROR_UNEXPECTED;
    sigset_t signals;

    if (!stub_path(path, sizeof(path))) {
        cella_log(CELLA_LOG_ERROR, "cella-monitor cannot find its own directory");
        return SGX_ERROR_UNEXPECTED;
    }
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0)
        return SGX_ERROR_OUT_OF_MEMORY;
    channel = move_high(pair[1]);
    memory = move_high(m->memory_fd);
    shared = move_high(m->shared_fd);
    if (channel < 0 || memory < 0 || shared < 0)
        goto out;
    if (posix_spawn_file_actions_init(&actions) != 0)
        goto out;
    actions_ready = true;
    if (posix_spawnattr_init(&attributes) != 0)
        goto out;
    attributes_ready = true;
    sigemptyset(&signals);
    if (posix_spawn_file_actions_adddup2(&actions, channel, CELLA_ENCLAVE_CHANNEL_FD) != 0 ||
        posix_spawn_file_actions_adddup2(&actions, memory, CELLA_ENCLAVE_MEMORY_FD) != 0 ||
        posix_spawn_file_actions_adddup2(&actions, shared, CELLA_ENCLAVE_SHARED_FD) != 0 ||
        posix_spawnattr_setsigmask(&attributes, &signals) != 0)
        goto out;
    sigfillset(&signals);
    if (posix_spawnattr_setsigdefault(&attributes, &signals) != 0 ||
        posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF) != 0)
        goto out;
    snprintf(monitor_pid, sizeof(monitor_pid), "%ld", (long)getpid());
    char *argv[] = {path, monitor_pid, NULL};
    char *environment[] = {NULL};
    int error = posix_spawn(&m->enclave_pid, path, &actions, &attributes, argv, environment);
    if (error != 0) {
        cella_log(CELLA_LOG_ERROR, "cannot start the enclave process %s: %s", path,
                  strerror(error));
        m->enclave_pid = -1;
        goto out;
    }
    m->enclave_pidfd = pidfd_open(m->enclave_pid, 0);
    if (m->enclave_pidfd < 0) {
        cella_log(CELLA_LOG_ERROR, "pidfd_open failed: %s (the sandbox backend needs Linux 5.3)",
                  strerror(errno));
        status = SGX_ERROR_FEATURE_NOT_SUPPORTED;
        goto out;
    }
    m->channel_fd = pair[0];
    pair[0] = -1;
    status = SGX_SUCCESS;
out:
    if (actions_ready)
        posix_spawn_file_actions_destroy(&actions);
    if (attributes_ready)
        posix_spawnattr_destroy(&attributes);
    for (int i = 0; i < 2; i++) {
        if (pair[i] >= 0)
            close(pair[i]);
    }
    if (channel >= 0)
        close(channel);
    if (memory >= 0)
        close(memory);
    if (shared >= 0)
        close(shared);
    return status;
}

/* Reaps the enclave process; returns waitid's view of how it ended. */
static void reap_enclave(struct monitor *m, siginfo_t *info)
{
    memset(info, 0, sizeof(*info));
    if (m->enclave_pid <= 0)
        return;
    while (waitid(P_PID, (id_t)m->enclave_pid, info, WEXITED) != 0 && errno == EINTR) {
    }
    m->enclave_pid = -1;
    if (m->enclave_pidfd >= 0)
        close(m->enclave_pidfd);
    m->enclave_pidfd = -1;
}

static void describe_exit(const siginfo_t *info, char *text, size_t size)
{
    if (info->si_code == CLD_EXITED)
        snprintf(text, size, "exited with status %d", info->si_status);
    else
        snprintf(text, size, "was killed by signal %d (%s)", info->si_status,
                 strsignal(info->si_status));
}

/* Sends the plan and waits for the enclave process to report ready. */
static sgx_status_t run_plan(struct monitor *m, const cella_enclave_plan_t *plan,
                             const cella_enclave_range_t *ranges,
                             const cella_enclave_thread_t *threads)
{
    cella_enclave_status_t reply;

    memset(&reply, 0, sizeof(reply));
    if (!write_full(m->channel_fd, plan, sizeof(*plan)) ||
        !write_full(m->channel_fd, ranges, plan->range_count * sizeof(*ranges)) ||
        !write_full(m->channel_fd, threads, plan->tcs_count * sizeof(*threads)) ||
        !read_full(m->channel_fd, &reply, sizeof(reply))) {
        siginfo_t info;
        char how[96];
        kill(m->enclave_pid, SIGKILL);
        reap_enclave(m, &info);
        describe_exit(&info, how, sizeof(how));
        cella_log(CELLA_LOG_ERROR, "the enclave process %s while it was starting", how);
        return SGX_ERROR_UNEXPECTED;
    }
    if (reply.status == SGX_SUCCESS)
        return SGX_SUCCESS;
    reply.text[sizeof(reply.text) - 1] = '\0';
    cella_log(CELLA_LOG_ERROR, "the enclave process could not start: %s", reply.text);
    log_feature_remedy(reply.feature, reply.error, "mmap");
    siginfo_t info;
    reap_enclave(m, &info);
    return (sgx_status_t)reply.status;
}

static void send_ready(struct monitor *m)
{
    cella_monitor_ready_t ready;

    memset(&ready, 0, sizeof(ready));
    ready.type = CELLA_MONITOR_MSG_READY;
    ready.enclave_pid = (int32_t)m->enclave_pid;
    ready.tcs_count = m->info.metadata.tcs_count;
    ready.enclave_size = m->info.layout.enclave_size;
    memcpy(ready.mrenclave, m->info.mrenclave.m, sizeof(ready.mrenclave));
    memcpy(ready.mrsigner, m->info.mrsigner.m, sizeof(ready.mrsigner));
    send_to_host(&ready, sizeof(ready));
}

/* Names why the enclave process ended, in the host's log. */
static void log_exit(const cella_enclave_crash_t *crash, const siginfo_t *info)
{
    char how[96];

    switch (crash->kind) {
    case CELLA_ENCLAVE_CRASH_SYSCALL: {
        int number = crash->syscall >= 0 && crash->syscall <= INT_MAX ? (int)crash->syscall : -1;
        char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, number);
        cella_log(CELLA_LOG_ERROR,
                  "the enclave made the system call %s (%lld), which the sandbox does not "
                  "allow: enclave code has no system calls; reach the system through an OCALL "
                  "declared in the EDL",
                  name != NULL ? name : "unknown", (long long)crash->syscall);
        free(name);
        return;
    }
    case CELLA_ENCLAVE_CRASH_SIGNAL:
        if (crash->in_enclave)
            cella_log(CELLA_LOG_ERROR, "the enclave crashed: %s at enclave offset %#llx",
                      strsignal(crash->signal), (unsigned long long)crash->address);
        else
            cella_log(CELLA_LOG_ERROR,
                      "the enclave crashed: %s at address %#llx, outside the "
                      "enclave",
                      strsignal(crash->signal), (unsigned long long)crash->address);
        return;
    case CELLA_ENCLAVE_CRASH_ABORT:
        cella_log(CELLA_LOG_ERROR, "the enclave stopped itself: abort(), a failed assertion, "
                                   "stack smashing or heap corruption inside it");
        return;
    default:
        describe_exit(info, how, sizeof(how));
        cella_log(CELLA_LOG_ERROR, "the enclave process %s", how);
        return;
    }
}

/* The platform secrets, read on first use (the log says why when they cannot be). */
static bool secrets_ready(struct monitor *m)
{
    /* Tried once: an enclave asking again and again must not flood the host's log. */
    if (m->secrets == NULL && !m->secrets_tried) {
        m->secrets_tried = true;
        if (m->state_dir[0] == '\0')
            cella_log(CELLA_LOG_ERROR, "platform secrets: no state directory is known (set "
                                       "CELLA_STATE_DIR or HOME for the application)");
        else if (cella_keys_secrets_create(m->state_dir, &m->secrets) != CELLA_OK)
            m->secrets = NULL;
    }
    return m->secrets != NULL;
}

/*
 * A platform request of enclave code: answered from the identity measured at load, with the
 * platform secrets, which are read on the first request and never leave this process.
 */
static void serve_platform(struct monitor *m, const cella_enclave_platform_request_t *request,
                           size_t size)
{
    cella_enclave_platform_reply_t reply;

    memset(&reply, 0, CELLA_ENCLAVE_PLATFORM_REPLY_HEADER_BYTES);
    reply.status = SGX_ERROR_INVALID_PARAMETER;
    if (size < CELLA_ENCLAVE_PLATFORM_HEADER_BYTES || request->in_size > sizeof(request->in) ||
        request->out_size > sizeof(reply.out) ||
        size != CELLA_ENCLAVE_PLATFORM_HEADER_BYTES + request->in_size)
        goto send;
    (void)secrets_ready(m);
    reply.status =
        (int32_t)cella_keys_serve(m->secrets, &m->identity, request->request, request->in,
                                  request->in_size, reply.out, request->out_size);
    if (reply.status == SGX_SUCCESS)
        reply.out_size = request->out_size;
send:;
    size_t reply_size = CELLA_ENCLAVE_PLATFORM_REPLY_HEADER_BYTES + reply.out_size;
    ssize_t sent;
    do {
        sent = send(m->channel_fd, &reply, reply_size, MSG_NOSIGNAL | MSG_DONTWAIT);
    } while (sent < 0 && errno == EINTR);
    cella_memory_wipe(&reply, reply_size);
    /* The enclave process asks one request at a time and reads each reply; replies piling up
     * mean enclave code talks on the channel itself, and waiting for it would stop this
     * monitor from serving the host. */
    if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && m->enclave_pid > 0) {
        cella_log(CELLA_LOG_ERROR, "the enclave process does not read the platform's replies "
                                   "(enclave code writing to the monitor channel); stopped");
        kill(m->enclave_pid, SIGKILL);
    }
}

enum channel_read { CHANNEL_MESSAGE, CHANNEL_EMPTY, CHANNEL_CLOSED };

/*
 * Reads one message of the enclave process, if one is waiting: a crash report is kept in
 * *crash (the first only), a platform request answered.
 */
static enum channel_read read_channel(struct monitor *m, cella_enclave_crash_t *crash)
{
    union {
        uint32_t type;
        cella_enclave_crash_t crash;
        cella_enclave_platform_request_t platform;
    } message;
    ssize_t n;

    do {
        n = recv(m->channel_fd, &message, sizeof(message), MSG_DONTWAIT);
    } while (n < 0 && errno == EINTR);
    if (n < 0 && errno == EAGAIN)
        return CHANNEL_EMPTY;
    if (n <= 0)
        return CHANNEL_CLOSED;
    if (n < (ssize_t)sizeof(uint32_t))
        return CHANNEL_MESSAGE; /* too short to mean anything */
    if (message.type == CELLA_ENCLAVE_MSG_CRASH && n == (ssize_t)sizeof(message.crash) &&
        crash->kind == CELLA_ENCLAVE_CRASH_NONE &&
        message.crash.kind >= CELLA_ENCLAVE_CRASH_ABORT &&
        message.crash.kind <= CELLA_ENCLAVE_CRASH_SYSCALL)
        *crash = message.crash;
    else if (message.type == CELLA_ENCLAVE_MSG_PLATFORM)
        serve_platform(m, &message.platform, (size_t)n);
    cella_memory_wipe(&message, sizeof(message));
    return CHANNEL_MESSAGE;
}

/*
 * Until the host goes away: report the enclave process's end when it comes. The host closing
 * its end (destroy, or the host process dying) ends the enclave process and the monitor.
 */
static void watch(struct monitor *m)
{
    cella_enclave_crash_t crash;

    memset(&crash, 0, sizeof(crash));
    for (;;) {
        struct pollfd fds[3] = {{.fd = host_fd, .events = POLLIN},
                                {.fd = m->enclave_pidfd, .events = POLLIN},
                                {.fd = m->channel_fd, .events = POLLIN}};
        if (poll(fds, 3, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (fds[0].revents != 0) {
            char discard[sizeof(cella_monitor_log_t)];
            ssize_t n = recv(host_fd, discard, sizeof(discard), MSG_DONTWAIT);
            if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
                break; /* the host is gone */
            /* No requests are defined after loading yet; anything else is ignored. */
        }
        if (fds[2].revents != 0 && read_channel(m, &crash) == CHANNEL_CLOSED) {
            close(m->channel_fd);
            m->channel_fd = -1; /* poll ignores a negative fd */
        }
        if (fds[1].revents != 0) {
            siginfo_t info;
            reap_enclave(m, &info);
            /* The crash report, written before the process ended, is already queued. */
            while (m->channel_fd >= 0 && crash.kind == CELLA_ENCLAVE_CRASH_NONE &&
                   read_channel(m, &crash) == CHANNEL_MESSAGE) {
            }
            log_exit(&crash, &info);
            cella_monitor_enclave_exited_t exited = {
                .type = CELLA_MONITOR_MSG_ENCLAVE_EXITED,
                .code = info.si_code,
                .status = info.si_status,
                .crash = crash.kind,
            };
            send_to_host(&exited, sizeof(exited));
        }
    }
    if (m->enclave_pid > 0) {
        siginfo_t info;
        kill(m->enclave_pid, SIGKILL);
        reap_enclave(m, &info);
    }
}

/*
 * QUOTE: the quoting enclave of the platform whose secrets this monitor holds. The report's
 * MAC is checked with those secrets (cella_quoting_get_quote()), so only a report made by an
 * enclave on this platform for the QE gives a quote. Returns the process exit status.
 */
static int serve_quote(struct monitor *m, const cella_monitor_quote_t *request)
{
    cella_monitor_quote_result_t *result = calloc(1, sizeof(*result));
    cella_quoting_t *quoting = NULL;
    quote3_error_t status = SGX_QL_ERROR_UNEXPECTED;
    bool size_only = (request->flags & CELLA_MONITOR_QUOTE_SIZE_ONLY) != 0;
    sgx_report_t report;

    if (result == NULL) {
        cella_monitor_quote_result_t failed = {.type = CELLA_MONITOR_MSG_QUOTE_RESULT,
                                               .status = SGX_QL_ERROR_OUT_OF_MEMORY};
        send_to_host(&failed, CELLA_MONITOR_QUOTE_RESULT_HEADER_BYTES);
        return 1;
    }
    result->type = CELLA_MONITOR_MSG_QUOTE_RESULT;
    if ((request->flags & ~CELLA_MONITOR_QUOTE_SIZE_ONLY) != 0 || request->reserved != 0) {
        cella_log(CELLA_LOG_ERROR, "cella-monitor: the quote request is malformed (is the "
                                   "daemon from the same cella version as the application?)");
        status = SGX_QL_ERROR_INVALID_PARAMETER;
    } else if (secrets_ready(m)) {
        cella_result_t created = cella_quoting_create(m->secrets, &quoting);
        if (created == CELLA_ERR_OUT_OF_MEMORY)
            status = SGX_QL_ERROR_OUT_OF_MEMORY;
        if (created == CELLA_OK) {
            result->quote_size = cella_quoting_get_quote_size(quoting);
            memcpy(&report, request->report, sizeof(report));
            status = size_only ? SGX_QL_SUCCESS
                               : cella_quoting_get_quote(quoting, &report, result->quote,
                                                         sizeof(result->quote));
        }
    }
    result->status = (int32_t)status;
    size_t size = CELLA_MONITOR_QUOTE_RESULT_HEADER_BYTES;
    if (status == SGX_QL_SUCCESS && !size_only)
        size += result->quote_size;
    send_to_host(result, size);
    cella_quoting_destroy(quoting);
    cella_keys_secrets_destroy(m->secrets);
    m->secrets = NULL;
    free(result);
    return status == SGX_QL_SUCCESS ? 0 : 1;
}

int cella_monitor_serve(int fd, const char *state_dir)
{
    struct monitor m = {.state_dir = state_dir != NULL ? state_dir : "",
                        .file_fd = -1,
                        .shared_fd = -1,
                        .memory_fd = -1,
                        .channel_fd = -1,
                        .enclave_pid = -1,
                        .enclave_pidfd = -1};
    cella_enclave_plan_t plan;
    cella_enclave_range_t *ranges = NULL;
    cella_enclave_thread_t *threads = NULL;
    sgx_status_t status = SGX_ERROR_UNEXPECTED;

    host_fd = fd;
    (void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    struct rlimit no_core = {0, 0};
    (void)setrlimit(RLIMIT_CORE, &no_core);
    (void)fcntl(host_fd, F_SETFD, FD_CLOEXEC);
    cella_log_set_level(CELLA_LOG_DEBUG);
    cella_log_set_handler(log_to_host, NULL);

    cella_monitor_quote_t quote_request;
    bool quote = false;
    status = receive_request(&m, &quote_request, &quote);
    if (status == SGX_SUCCESS && quote) {
        if (m.file_fd >= 0)
            close(m.file_fd);
        if (m.shared_fd >= 0)
            close(m.shared_fd);
        return serve_quote(&m, &quote_request);
    }
    pid_t tracer = cella_tracer_pid();
    if (status == SGX_SUCCESS && tracer != 0) {
        cella_log(CELLA_LOG_ERROR,
                  "cella-monitor is traced (%s %d), so the enclave would be open to the tracer: "
                  "the sandbox does not run enclaves under a debugger or tracer; debug enclave "
                  "code with CELLA_BACKEND=sim",
                  tracer > 0 ? "by process" : "TracerPid unreadable:", (int)tracer);
        status = SGX_ERROR_NO_PRIVILEGE;
    }
    if (status == SGX_SUCCESS)
        status = read_file(&m);
    if (status == SGX_SUCCESS)
        status = verify(&m);
    if (status == SGX_SUCCESS)
        status = check_locked_memory(&m);
    if (status == SGX_SUCCESS)
        status = add_pages(&m);
    if (status == SGX_SUCCESS)
        cella_keys_identity_init(&m.info, m.load.debug != 0, &m.identity); /* measured now */
    if (status == SGX_SUCCESS)
        status = build_plan(&m, &plan, &ranges, &threads);
    if (status == SGX_SUCCESS)
        status = start_enclave(&m);
    /* The enclave process holds the memory now; the monitor keeps none of it. */
    if (m.memory_fd >= 0)
        close(m.memory_fd);
    if (m.shared_fd >= 0)
        close(m.shared_fd);
    if (m.file_fd >= 0)
        close(m.file_fd);
    m.memory_fd = m.shared_fd = m.file_fd = -1;
    if (status == SGX_SUCCESS)
        status = run_plan(&m, &plan, ranges, threads);
    free(ranges);
    free(threads);
    free(m.file);
    m.file = NULL;

    if (status != SGX_SUCCESS) {
        if (m.enclave_pid > 0) {
            siginfo_t info;
            kill(m.enclave_pid, SIGKILL);
            reap_enclave(&m, &info);
        }
        if (m.channel_fd >= 0)
            close(m.channel_fd);
        send_failed(status);
        return 1;
    }
    send_ready(&m);
    watch(&m);
    if (m.channel_fd >= 0)
        close(m.channel_fd);
    cella_keys_secrets_destroy(m.secrets);
    return 0;
}
