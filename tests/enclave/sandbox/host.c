/* SPDX-License-Identifier: Apache-2.0 */
/* tests/enclave/sandbox/host.c: the sandbox backend: calls across processes, and attacks it stops.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <cella/bridge.h>
#include <cella/host.h>
#include <cella/log.h>
#include <sgx_error.h>

#include "seeded_secret.h"

/*
 * Runs tests/enclave/sandbox/enc.c in the sandbox backend. The first group checks that calls
 * work across the process boundary (large buffers, deep nesting, every spin mode); the
 * second tries the attacks the sandbox must stop and checks that each one fails; the third
 * kills the processes involved and checks what the host sees. Some tests run this program
 * again as a child (see main) to be a host that dies, or a host on a kernel without a
 * feature.
 */

enum {
    ECALL_ADD,
    ECALL_CALL_HOST,
    ECALL_SYSTEM_CALL,
    ECALL_PLANT_SECRET,
    ECALL_REVEAL_SECRET,
    ECALL_TRANSFORM,
    ECALL_OCALL_ECHO,
    ECALL_OVERFLOW_STACK,
    ECALL_PLANT_SEEDED,
    ECALL_DOUBLE_FETCH,
    ECALL_TRANSFORM_AFTER_OCALL,
    ECALL_FLOOD_MONITOR,
};

#define SECRET_BYTES     32
#define ONE_MIB          ((size_t)1 << 20)
#define LIVENESS_WAIT_MS 30000 /* a bound for "this process ends", not a timing check */

/* What OCALL 0 does for its argument x (besides answering 2x). */
#define HOLD_TCS     (-1) /* wait twice at hold_barrier */
#define KILL_ENCLAVE (-2) /* kill the enclave process and wait until it is gone */
#define KILL_MONITOR (-3) /* kill cella-monitor and wait until both are gone */
#define NEST_FIRST   1000 /* 1000..1009: nested ECALL_CALL_HOST with x + 1 */
#define NEST_LAST    1010 /* answers 0: the innermost level */
#define STREAM_NESTED \
    (-4) /* a nested, streamed ECALL_TRANSFORM; answers 1 when it came back right */
#define FORK_IN_OCALL (-5) /* fork; the parent answers 2x once the child has ended */

static uint64_t current_id;
static pthread_barrier_t *hold_barrier;
static pid_t victim_monitor, victim_enclave;

/* ---- the log ------------------------------------------------------------------------------- */

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char log_text[32768];
static size_t log_used;

static void capture_log(void *context, cella_log_level_t level, const char *message)
{
    (void)context;
    pthread_mutex_lock(&log_lock);
    size_t length = strlen(message);
    if (log_used + length + 2 < sizeof(log_text)) {
        memcpy(log_text + log_used, message, length);
        log_used += length;
        log_text[log_used++] = '\n';
        log_text[log_used] = '\0';
    }
    pthread_mutex_unlock(&log_lock);
    if (getenv("CELLA_TEST_LOG") != NULL)
        fprintf(stderr, "[%s] %s\n", cella_log_level_str(level), message);
}

static void log_clear(void)
{
    pthread_mutex_lock(&log_lock);
    log_used = 0;
    log_text[0] = '\0';
    pthread_mutex_unlock(&log_lock);
}

static bool log_contains(const char *text)
{
    pthread_mutex_lock(&log_lock);
    bool found = strstr(log_text, text) != NULL;
    pthread_mutex_unlock(&log_lock);
    return found;
}

/* ---- processes ----------------------------------------------------------------------------- */

/* The command name, state and parent of pid from /proc/pid/stat. */
static bool read_stat(pid_t pid, char *comm, size_t comm_size, char *state, pid_t *ppid)
{
    char path[64], text[1024];
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    ssize_t n = read(fd, text, sizeof(text) - 1);
    close(fd);
    if (n <= 0)
        return false;
    text[n] = '\0';
    char *open_paren = strchr(text, '(');
    char *close_paren = strrchr(text, ')');
    if (open_paren == NULL || close_paren == NULL || close_paren < open_paren)
        return false;
    snprintf(comm, comm_size, "%.*s", (int)(close_paren - open_paren - 1), open_paren + 1);
    int parent = 0;
    if (sscanf(close_paren + 2, "%c %d", state, &parent) != 2)
        return false;
    *ppid = (pid_t)parent;
    return true;
}

/* Living (not zombie) children of parent running the program comm; returns how many. */
static int find_children(pid_t parent, const char *comm, pid_t *found)
{
    DIR *proc = opendir("/proc");
    struct dirent *entry;
    int count = 0;

    if (proc == NULL)
        return -1;
    while ((entry = readdir(proc)) != NULL) {
        char *end = NULL;
        long pid = strtol(entry->d_name, &end, 10);
        char name[64], state = '?';
        pid_t ppid = 0;
        if (*end != '\0' || pid <= 0 || !read_stat((pid_t)pid, name, sizeof(name), &state, &ppid))
            continue;
        if (ppid == parent && strcmp(name, comm) == 0 && state != 'Z') {
            if (found != NULL)
                *found = (pid_t)pid;
            count++;
        }
    }
    closedir(proc);
    return count;
}

/* This process's one cella-monitor and its enclave process. */
static void find_processes(pid_t *monitor, pid_t *enclave)
{
    assert_int_equal(find_children(getpid(), "cella-monitor", monitor), 1);
    assert_int_equal(find_children(*monitor, "cella-enclave", enclave), 1);
}

static void assert_no_processes_left(void)
{
    assert_int_equal(find_children(getpid(), "cella-monitor", NULL), 0);
}

/* Waits until the process behind pidfd has ended. */
static bool wait_gone(int pidfd)
{
    struct pollfd fd = {.fd = pidfd, .events = POLLIN};
    int n;
    do {
        n = poll(&fd, 1, LIVENESS_WAIT_MS);
    } while (n < 0 && errno == EINTR);
    return n == 1;
}

static void kill_and_wait(pid_t pid)
{
    int pidfd = pidfd_open(pid, 0);
    if (pidfd < 0)
        return;
    kill(pid, SIGKILL);
    (void)wait_gone(pidfd);
    close(pidfd);
}

/* ---- calls --------------------------------------------------------------------------------- */

static sgx_status_t call(uint64_t id, uint32_t index, const void *in, size_t in_size, void *out,
                         size_t out_size);

static sgx_status_t call_int(uint64_t id, uint32_t index, int x, int *result)
{
    return call(id, index, &x, sizeof(x), result, sizeof(*result));
}

static bool transform_streamed(uint64_t id, uint32_t index, size_t size, size_t *streamed_out);
static int wait_exit_code(pid_t child);

/* FORK_IN_OCALL: which side returns, what the child saw, how it ended. */
static bool in_forked_child, forked_child_saw_arguments;
static int forked_child_exit = -1;

static int32_t ocall_zero(const uint8_t *in, size_t in_size, uint8_t *out, size_t out_size)
{
    int x, answer;
    if (in_size != sizeof(x) || out_size != sizeof(answer))
        return SGX_ERROR_INVALID_PARAMETER;
    memcpy(&x, in, sizeof(x));
    answer = 2 * x;
    if (x == HOLD_TCS) {
        pthread_barrier_wait(hold_barrier);
        pthread_barrier_wait(hold_barrier);
        answer = 0;
    } else if (x == KILL_ENCLAVE) {
        kill_and_wait(victim_enclave);
    } else if (x == KILL_MONITOR) {
        int enclave_fd = pidfd_open(victim_enclave, 0);
        kill_and_wait(victim_monitor);
        if (enclave_fd >= 0) {
            (void)wait_gone(enclave_fd); /* PR_SET_PDEATHSIG ends it */
            close(enclave_fd);
        }
    } else if (x >= NEST_FIRST && x < NEST_LAST) {
        sgx_status_t status = call_int(current_id, ECALL_CALL_HOST, x + 1, &answer);
        if (status != SGX_SUCCESS)
            answer = -(int)status;
    } else if (x == NEST_LAST) {
        answer = 0;
    } else if (x == FORK_IN_OCALL) {
        /* The parent's answer is in place before the child writes its own over it. */
        memcpy(out, &answer, sizeof(answer));
        pid_t child = fork();
        if (child > 0) {
            forked_child_exit = wait_exit_code(child);
            return SGX_SUCCESS;
        }
        if (child == 0) {
            alarm(30); /* a child that hangs ends, and the test fails */
            in_forked_child = true;
            forked_child_saw_arguments = memcmp(in, &x, sizeof(x)) == 0;
            answer = 777;
        }
    } else if (x == STREAM_NESTED) {
        size_t streamed = 0;
        answer = transform_streamed(current_id, ECALL_TRANSFORM, 256 * 1024 + 3, &streamed) &&
                 streamed != 0;
    }
    memcpy(out, &answer, sizeof(answer));
    return SGX_SUCCESS;
}

static int32_t ocall_echo(const uint8_t *in, size_t in_size, uint8_t *out, size_t out_size)
{
    if (in_size != out_size)
        return SGX_ERROR_INVALID_PARAMETER;
    for (size_t i = 0; i < in_size; i++)
        out[i] = in[i] ^ 0xa5;
    return SGX_SUCCESS;
}

static const cella_ocall_bridge_t ocall_bridges[] = {ocall_zero, ocall_echo};
static const cella_ocall_table_t ocall_table = {2, ocall_bridges};

static sgx_status_t call(uint64_t id, uint32_t index, const void *in, size_t in_size, void *out,
                         size_t out_size)
{
    cella_bridge_call_t bridge_call;
    int32_t status = cella_ecall_begin(id, &bridge_call, in_size, out_size);
    if (status != SGX_SUCCESS)
        return (sgx_status_t)status;
    if (in_size != 0)
        memcpy(bridge_call.in, in, in_size);
    status = cella_ecall_invoke(&bridge_call, index, &ocall_table);
    if (status == SGX_SUCCESS && out_size != 0)
        memcpy(out, bridge_call.out, out_size);
    cella_ecall_end(&bridge_call);
    return (sgx_status_t)status;
}

static cella_result_t try_create(cella_backend_t backend, int64_t spin, size_t call_buffer_size,
                                 cella_enclave_t **enclave)
{
    cella_enclave_options_t options = {0};
    options.backend = backend;
    options.debug = true;
    options.spin = spin;
    options.call_buffer_size = call_buffer_size;
    *enclave = NULL;
    /* The service-mode test runs a copy of this program on a copy of the enclave. */
    const char *path = getenv("CELLA_TEST_ENCLAVE");
    return cella_enclave_create(path != NULL ? path : CELLA_TEST_SANDBOX_ENCLAVE, &options,
                                enclave);
}

static cella_enclave_t *create_with(int64_t spin, size_t call_buffer_size)
{
    cella_enclave_t *enclave = NULL;
    assert_int_equal(try_create(CELLA_BACKEND_SANDBOX, spin, call_buffer_size, &enclave), CELLA_OK);
    current_id = cella_enclave_get_id(enclave);
    return enclave;
}

static cella_enclave_t *create_sandbox(void)
{
    return create_with(CELLA_SPIN_DEFAULT, 0);
}

static void destroy(cella_enclave_t *enclave)
{
    cella_enclave_destroy(enclave);
    assert_no_processes_left();
}

/* ---- calls across the process boundary ----------------------------------------------------- */

/*
 * One ECALL that XORs `size` bytes with 0x5a (ECALL_TRANSFORM, or one that runs it after an
 * OCALL), made as a generated proxy makes it: the input put piece by piece with gaps between
 * some pieces, each output piece asked for with cella_ecall_get_payload() and copied by hand
 * when the runtime does not take it. Small pieces, pieces of exactly the streaming minimum,
 * and more large pieces than the runtime streams at once, so every path runs. Returns whether
 * every byte came back right; *streamed_out: the output pieces the runtime copied itself.
 */
static bool transform_streamed(uint64_t id, uint32_t index, size_t size, size_t *streamed_out)
{
    static const size_t lengths[] = {100, 65536, 300000, 17, 200000, 70000, 90000, 5};
    enum { PIECES = sizeof(lengths) / sizeof(lengths[0]), GAP = 16 };
    size_t offset[PIECES + 1], length[PIECES + 1];
    int taken[PIECES + 1] = {0};
    size_t pieces = 0, at = 0;

    /* The pieces, cut to `size`; every other one starts GAP bytes after the previous. */
    for (size_t i = 0; i < PIECES && at < size; i++, pieces++) {
        if (i % 2 == 1)
            at = at + GAP < size ? at + GAP : size;
        offset[i] = at;
        length[i] = lengths[i] < size - at ? lengths[i] : size - at;
        at += length[i];
    }
    if (at < size) {
        offset[pieces] = at;
        length[pieces++] = size - at;
    }

    uint8_t *in = malloc(size), *out = malloc(size), *expected = malloc(size);
    assert_non_null(in);
    assert_non_null(out);
    assert_non_null(expected);
    for (size_t i = 0; i < size; i++) {
        in[i] = (uint8_t)(i * 31u + (i >> 11));
        expected[i] = 0x5a; /* gap bytes go in as zeros */
    }
    for (size_t p = 0; p < pieces; p++) {
        for (size_t i = offset[p]; i < offset[p] + length[p]; i++)
            expected[i] = in[i] ^ 0x5a;
    }
    memset(out, 0xee, size);

    cella_bridge_call_t bridge_call;
    size_t written = 0;
    bool right = false;
    *streamed_out = 0;
    int32_t status = cella_ecall_begin(id, &bridge_call, size, size);
    if (status != SGX_SUCCESS)
        goto done;
    for (size_t p = 0; p < pieces; p++) {
        assert_int_equal(
            cella_ecall_put_payload(&bridge_call, &written, offset[p], in + offset[p], length[p]),
            0);
    }
    assert_int_equal(written, size);
    for (size_t p = 0; p < pieces; p++) {
        taken[p] = cella_ecall_get_payload(&bridge_call, offset[p], out + offset[p], length[p]);
        *streamed_out += (size_t)taken[p];
    }
    status = cella_ecall_invoke(&bridge_call, index, &ocall_table);
    if (status == SGX_SUCCESS) {
        for (size_t p = 0; p < pieces; p++) {
            if (!taken[p])
                memcpy(out + offset[p], bridge_call.out + offset[p], length[p]);
        }
    }
    cella_ecall_end(&bridge_call);
    right = status == SGX_SUCCESS;
    for (size_t p = 0; right && p < pieces; p++)
        right = memcmp(out + offset[p], expected + offset[p], length[p]) == 0;
done:
    free(in);
    free(out);
    free(expected);
    return right;
}

static void streamed_payloads_arrive_whole_both_ways_in_every_spin_mode(void **state)
{
    (void)state;
    static const int64_t modes[] = {CELLA_SPIN_NEVER, CELLA_SPIN_ALWAYS, CELLA_SPIN_DEFAULT};
    /* the second piece of the first is exactly the streaming minimum */
    static const size_t sizes[] = {64 * 1024 + 116, ONE_MIB + 4099, 3 * ONE_MIB / 2};
    for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
        cella_enclave_t *enclave = create_with(modes[m], 4 * ONE_MIB);
        for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
            size_t streamed = 0;
            assert_true(transform_streamed(current_id, ECALL_TRANSFORM, sizes[i], &streamed));
            /* at most four payloads each way stream, the rest take the proxy's way; a side
             * that sleeps gains nothing from streaming, so an enclave that never spins
             * takes every payload the proxy's way */
            if (modes[m] == CELLA_SPIN_NEVER)
                assert_int_equal(streamed, 0);
            else
                assert_true(streamed >= 1 && streamed <= 4);
        }
        destroy(enclave);
    }
}

static void a_nested_streamed_ecall_inside_a_streamed_one_leaves_both_whole(void **state)
{
    (void)state;
    cella_enclave_t *enclave = create_with(CELLA_SPIN_ALWAYS, 4 * ONE_MIB);
    size_t streamed = 0;
    /* ECALL_TRANSFORM_AFTER_OCALL fails unless the nested call's bytes came back right */
    assert_true(
        transform_streamed(current_id, ECALL_TRANSFORM_AFTER_OCALL, ONE_MIB / 2 + 5, &streamed));
    assert_true(streamed != 0);
    destroy(enclave);
}

static void a_sim_enclave_takes_the_same_payloads_the_proxys_way(void **state)
{
    (void)state;
    cella_enclave_t *enclave = NULL;
    size_t streamed = 1;
    assert_int_equal(try_create(CELLA_BACKEND_SIM, CELLA_SPIN_DEFAULT, 4 * ONE_MIB, &enclave),
                     CELLA_OK);
    current_id = cella_enclave_get_id(enclave);
    assert_true(transform_streamed(current_id, ECALL_TRANSFORM, ONE_MIB + 4099, &streamed));
    assert_int_equal(streamed, 0);
    destroy(enclave);
}

static void ecalls_ocalls_and_nested_ecalls_work_in_every_spin_mode(void **state)
{
    (void)state;
    static const int64_t modes[] = {CELLA_SPIN_NEVER, CELLA_SPIN_ALWAYS, 1, 100000,
                                    CELLA_SPIN_DEFAULT};
    for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
        cella_enclave_t *enclave = create_with(modes[i], 0);
        int result = 0;
        int pair[2] = {40, 2};
        assert_int_equal(call(current_id, ECALL_ADD, pair, sizeof(pair), &result, sizeof(result)),
                         SGX_SUCCESS);
        assert_int_equal(result, 42);
        assert_int_equal(call_int(current_id, ECALL_CALL_HOST, 20, &result), SGX_SUCCESS);
        assert_int_equal(result, 41);
        assert_int_equal(call_int(current_id, ECALL_CALL_HOST, NEST_LAST - 2, &result),
                         SGX_SUCCESS);
        assert_int_equal(result, 3);
        destroy(enclave);
    }
}

static void nested_ecalls_ten_deep_run_on_one_tcs(void **state)
{
    (void)state;
    cella_enclave_t *enclave = create_sandbox();
    int result = 0;
    /* ECALL -> OCALL -> nested ECALL -> ... ten levels, each adding one on the way out. */
    assert_int_equal(call_int(current_id, ECALL_CALL_HOST, NEST_FIRST, &result), SGX_SUCCESS);
    assert_int_equal(result, NEST_LAST - NEST_FIRST + 1);
    /* The buffers of every level were released: the same call works again. */
    assert_int_equal(call_int(current_id, ECALL_CALL_HOST, NEST_FIRST, &result), SGX_SUCCESS);
    assert_int_equal(result, NEST_LAST - NEST_FIRST + 1);
    destroy(enclave);
}

static void a_one_mib_in_out_ecall_round_trips(void **state)
{
    (void)state;
    cella_enclave_t *enclave = create_sandbox();
    uint8_t *in = malloc(ONE_MIB), *out = malloc(ONE_MIB);
    assert_non_null(in);
    assert_non_null(out);
    for (size_t i = 0; i < ONE_MIB; i++)
        in[i] = (uint8_t)(i * 13u + (i >> 12));
    assert_int_equal(call(current_id, ECALL_TRANSFORM, in, ONE_MIB, out, ONE_MIB), SGX_SUCCESS);
    for (size_t i = 0; i < ONE_MIB; i++) {
        if (out[i] != (uint8_t)(in[i] ^ 0x5a))
            fail_msg("byte %zu of the output is wrong", i);
    }
    free(in);
    free(out);
    destroy(enclave);
}

static void a_one_mib_ocall_round_trips(void **state)
{
    (void)state;
    cella_enclave_t *enclave = create_sandbox();
    uint64_t size = ONE_MIB;
    int wrong = -1;
    assert_int_equal(call(current_id, ECALL_OCALL_ECHO, &size, sizeof(size), &wrong, sizeof(wrong)),
                     SGX_SUCCESS);
    assert_int_equal(wrong, 0);
    destroy(enclave);
}

static void a_call_larger_than_the_call_buffers_is_out_of_memory(void **state)
{
    (void)state;
    cella_enclave_t *enclave = create_with(CELLA_SPIN_DEFAULT, 64 * 1024);
    static uint8_t in[40 * 1024], out[40 * 1024];
    log_clear();
    /* 40 KiB in and 40 KiB out do not fit 64 KiB of ECALL buffers... */
    assert_int_equal(call(current_id, ECALL_TRANSFORM, in, sizeof(in), out, sizeof(out)),
                     SGX_ERROR_OUT_OF_MEMORY);
    assert_true(log_contains("CELLA_CALL_BUFFER_SIZE"));
    /* ...nor does an OCALL of 40 KiB each way fit 64 KiB of OCALL buffers... */
    uint64_t size = sizeof(in);
    int wrong = -1;
    assert_int_equal(call(current_id, ECALL_OCALL_ECHO, &size, sizeof(size), &wrong, sizeof(wrong)),
                     SGX_ERROR_OUT_OF_MEMORY);
    /* ...while half of each does, and the enclave is unharmed. */
    assert_int_equal(call(current_id, ECALL_TRANSFORM, in, sizeof(in) / 2, out, sizeof(out) / 2),
                     SGX_SUCCESS);
    size = sizeof(in) / 2;
    assert_int_equal(call(current_id, ECALL_OCALL_ECHO, &size, sizeof(size), &wrong, sizeof(wrong)),
                     SGX_SUCCESS);
    assert_int_equal(wrong, 0);
    destroy(enclave);
}

static void the_sandbox_is_the_default_and_cella_backend_sim_selects_sim(void **state)
{
    (void)state;
    cella_enclave_t *enclave = NULL;

    assert_int_equal(try_create(CELLA_BACKEND_DEFAULT, 0, 0, &enclave), CELLA_OK);
    assert_int_equal(find_children(getpid(), "cella-monitor", NULL), 1);
    destroy(enclave);

    assert_int_equal(setenv("CELLA_BACKEND", "sim", 1), 0);
    assert_int_equal(try_create(CELLA_BACKEND_DEFAULT, 0, 0, &enclave), CELLA_OK);
    assert_int_equal(find_children(getpid(), "cella-monitor", NULL), 0);
    cella_enclave_destroy(enclave);

    /* A name that is no backend is an error, not a silent choice. */
    assert_int_equal(setenv("CELLA_BACKEND", "sgx-please", 1), 0);
    log_clear();
    assert_int_not_equal(try_create(CELLA_BACKEND_DEFAULT, 0, 0, &enclave), CELLA_OK);
    assert_true(log_contains("is not a backend"));
    assert_int_equal(unsetenv("CELLA_BACKEND"), 0);
    assert_no_processes_left();
}

static void a_missing_monitor_is_a_clear_error(void **state)
{
    (void)state;
    cella_enclave_t *enclave = NULL;
    log_clear();
    assert_int_equal(setenv("CELLA_MONITOR", "/nonexistent/cella-monitor", 1), 0);
    cella_result_t result = try_create(CELLA_BACKEND_SANDBOX, 0, 0, &enclave);
    assert_int_equal(unsetenv("CELLA_MONITOR"), 0);
    assert_int_equal(result, CELLA_ERR_UNSUPPORTED);
    assert_null(enclave);
    assert_true(log_contains("CELLA_MONITOR"));
    assert_no_processes_left();
}

/* ---- attacks ------------------------------------------------------------------------------- */

static void plant_secret(uint64_t addresses[2])
{
    assert_int_equal(call(current_id, ECALL_PLANT_SECRET, NULL, 0, addresses, 2 * sizeof(uint64_t)),
                     SGX_SUCCESS);
}

static void reveal_secret(uint8_t secret[SECRET_BYTES])
{
    assert_int_equal(call(current_id, ECALL_REVEAL_SECRET, NULL, 0, secret, SECRET_BYTES),
                     SGX_SUCCESS);
}

/* Reads this process's own memory at address without faulting: false when unmapped. */
static bool read_own_memory(uint64_t address, uint8_t bytes[SECRET_BYTES])
{
    int fd = open("/proc/self/mem", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    ssize_t n = pread(fd, bytes, SECRET_BYTES, (off_t)address);
    close(fd);
    return n == SECRET_BYTES;
}

static bool own_maps_mention(const char *text)
{
    FILE *maps = fopen("/proc/self/maps", "re");
    char line[512];
    bool found = false;
    if (maps == NULL)
        return false;
    while (!found && fgets(line, sizeof(line), maps) != NULL)
        found = strstr(line, text) != NULL;
    fclose(maps);
    return found;
}

/* Whether this process can read the enclave's secret at the addresses it reported. */
static bool host_reads_the_secret(cella_backend_t backend)
{
    cella_enclave_t *enclave = NULL;
    uint64_t addresses[2];
    uint8_t seen[2][SECRET_BYTES], secret[SECRET_BYTES];
    bool readable[2];

    assert_int_equal(try_create(backend, 0, 0, &enclave), CELLA_OK);
    current_id = cella_enclave_get_id(enclave);
    plant_secret(addresses);
    for (int i = 0; i < 2; i++)
        readable[i] = read_own_memory(addresses[i], seen[i]);
    reveal_secret(secret);
    bool found = false;
    for (int i = 0; i < 2; i++)
        found = found || (readable[i] && memcmp(seen[i], secret, SECRET_BYTES) == 0);
    cella_enclave_destroy(enclave);
    return found;
}

static void the_host_cannot_read_a_secret_in_enclave_globals_or_heap(void **state)
{
    (void)state;
    assert_false(host_reads_the_secret(CELLA_BACKEND_SANDBOX));
    assert_no_processes_left();
}

static void the_same_check_finds_the_secret_of_a_sim_enclave(void **state)
{
    (void)state;
    /* Shows the check above can fail: sim maps the enclave into the host. */
    assert_true(host_reads_the_secret(CELLA_BACKEND_SIM));
}

/* ---- scanning the memory of every process of a user ------------------------------------------ */

#define SCAN_CHUNK_BYTES  ((size_t)1 << 20)
#define SCAN_REGION_LIMIT ((uint64_t)1 << 30) /* larger: a reservation (sanitizer shadow) */

/* The real uid of pid, or -1. */
static long process_uid(pid_t pid)
{
    char path[64], line[256];
    long uid = -1;
    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    FILE *status = fopen(path, "re");
    if (status == NULL)
        return -1;
    while (fgets(line, sizeof(line), status) != NULL) {
        if (sscanf(line, "Uid: %ld", &uid) == 1)
            break;
    }
    fclose(status);
    return uid;
}

/* Places in buffer where the secret of seed starts (8-byte aligned, as the enclave keeps it). */
static size_t count_secret(const uint8_t *buffer, size_t size, uint64_t seed)
{
    size_t hits = 0;
    for (size_t at = 0; at + SEEDED_SECRET_WORDS * 8 <= size; at += 8) {
        unsigned i = 0;
        for (; i < SEEDED_SECRET_WORDS; i++) {
            uint64_t word;
            memcpy(&word, buffer + at + 8 * i, sizeof(word));
            /* Computed at the comparison: the secret is never stored whole in this process. */
            if (word != seeded_secret_word(seed, i))
                break;
        }
        hits += i == SEEDED_SECRET_WORDS;
    }
    return hits;
}

/*
 * Reads every readable mapping of every process whose real uid is uid, through
 * /proc/PID/mem, and counts the places the secret of seed appears. What cannot be opened or
 * read (another user's process, a process that is not dumpable, secret memory) is skipped:
 * that is the protection under test.
 */
static size_t scan_processes_of(uid_t uid, uint64_t seed)
{
    DIR *proc = opendir("/proc");
    struct dirent *entry;
    uint8_t *buffer = malloc(SCAN_CHUNK_BYTES);
    size_t hits = 0;

    assert_non_null(proc);
    assert_non_null(buffer);
    while ((entry = readdir(proc)) != NULL) {
        char *end = NULL;
        long pid = strtol(entry->d_name, &end, 10);
        if (*end != '\0' || pid <= 0 || process_uid((pid_t)pid) != (long)uid)
            continue;
        char path[64], line[512];
        snprintf(path, sizeof(path), "/proc/%ld/maps", pid);
        FILE *maps = fopen(path, "re");
        snprintf(path, sizeof(path), "/proc/%ld/mem", pid);
        int mem = open(path, O_RDONLY | O_CLOEXEC);
        while (maps != NULL && mem >= 0 && fgets(line, sizeof(line), maps) != NULL) {
            unsigned long long start, stop;
            char permissions[8];
            if (sscanf(line, "%llx-%llx %7s", &start, &stop, permissions) != 3 ||
                permissions[0] != 'r' || stop - start > SCAN_REGION_LIMIT ||
                strstr(line, "[vvar") != NULL)
                continue;
            /* Chunks overlap by one secret, so a secret across a boundary is still seen. */
            for (uint64_t at = start; at < stop;) {
                size_t want = stop - at < SCAN_CHUNK_BYTES ? (size_t)(stop - at) : SCAN_CHUNK_BYTES;
                ssize_t n = pread(mem, buffer, want, (off_t)at);
                if (n <= 0)
                    break;
                hits += count_secret(buffer, (size_t)n, seed);
                if ((size_t)n <= SEEDED_SECRET_WORDS * 8 || at + (uint64_t)n >= stop)
                    break;
                at += (uint64_t)n - SEEDED_SECRET_WORDS * 8;
            }
        }
        if (mem >= 0)
            close(mem);
        if (maps != NULL)
            fclose(maps);
    }
    closedir(proc);
    free(buffer);
    return hits;
}

/* Plants a seeded secret in a new enclave on backend and scans this user's processes. */
static size_t scan_finds_the_secret(cella_backend_t backend)
{
    cella_enclave_t *enclave = NULL;
    uint64_t seed = 0;

    assert_int_equal(try_create(backend, 0, 0, &enclave), CELLA_OK);
    current_id = cella_enclave_get_id(enclave);
    assert_int_equal(getrandom(&seed, sizeof(seed), 0), (ssize_t)sizeof(seed));
    assert_int_equal(call(current_id, ECALL_PLANT_SEEDED, &seed, sizeof(seed), NULL, 0),
                     SGX_SUCCESS);
    size_t hits = scan_processes_of(getuid(), seed);
    cella_enclave_destroy(enclave);
    return hits;
}

static void scanning_every_process_of_the_user_finds_no_enclave_secret(void **state)
{
    (void)state;
    assert_int_equal(scan_finds_the_secret(CELLA_BACKEND_SANDBOX), 0);
    assert_no_processes_left();
}

static void the_same_scan_finds_both_copies_of_a_sim_enclave_secret(void **state)
{
    (void)state;
    /* Shows the scan can fail: sim keeps the secret in this process (global and heap). */
    assert_true(scan_finds_the_secret(CELLA_BACKEND_SIM) >= 2);
}

/* ---- double fetch: the host rewrites a call's input while the enclave runs ----------------- */

struct scribbler {
    volatile uint8_t *target;
    size_t size;
    atomic_bool stop;
};

static void *scribble(void *argument)
{
    struct scribbler *s = argument;
    uint8_t value = 0;
    while (!atomic_load(&s->stop)) {
        value++;
        for (size_t i = 0; i < s->size; i++)
            s->target[i] = (uint8_t)(value + i);
    }
    return NULL;
}

static void the_enclave_never_sees_the_host_rewrite_an_input_during_the_call(void **state)
{
    (void)state;
    enum { HEADER = 8, DATA = 4096 };
    cella_enclave_t *enclave = create_sandbox();
    cella_bridge_call_t bridge_call;
    int32_t result[2] = {0, 0};

    assert_int_equal(cella_ecall_begin(current_id, &bridge_call, HEADER + DATA, sizeof(result)),
                     SGX_SUCCESS);
    /* The input sits in the shared region; the enclave is told where, to watch it change. */
    uint64_t address = (uint64_t)(uintptr_t)bridge_call.in;
    memcpy(bridge_call.in, &address, sizeof(address));
    memset((uint8_t *)bridge_call.in + HEADER, 0x11, DATA);
    struct scribbler scribbler = {.target = (uint8_t *)bridge_call.in + HEADER, .size = DATA};
    atomic_init(&scribbler.stop, false);
    pthread_t thread;
    assert_int_equal(pthread_create(&thread, NULL, scribble, &scribbler), 0);
    int32_t status = cella_ecall_invoke(&bridge_call, ECALL_DOUBLE_FETCH, &ocall_table);
    atomic_store(&scribbler.stop, true);
    pthread_join(thread, NULL);
    if (status == SGX_SUCCESS)
        memcpy(result, bridge_call.out, sizeof(result));
    cella_ecall_end(&bridge_call);
    assert_int_equal(status, SGX_SUCCESS);
    assert_int_equal(result[1], 1); /* the host did rewrite the shared input during the call */
    assert_int_equal(result[0], 1); /* and the enclave's copy stayed what it was */
    destroy(enclave);
}

/* Limits of the enclave process: no core file can be written, whatever kills it. */
static void the_enclave_process_cannot_dump_core(void **state)
{
    (void)state;
    cella_enclave_t *enclave = create_sandbox();
    pid_t monitor = 0, process = 0;
    char path[64], line[256];
    bool seen = false;

    find_processes(&monitor, &process);
    snprintf(path, sizeof(path), "/proc/%d/limits", (int)process);
    FILE *limits = fopen(path, "re");
    assert_non_null(limits);
    while (fgets(line, sizeof(line), limits) != NULL) {
        unsigned long long soft = 1, hard = 1;
        if (sscanf(line, "Max core file size %llu %llu", &soft, &hard) == 2) {
            assert_int_equal(soft, 0);
            assert_int_equal(hard, 0);
            seen = true;
        }
    }
    fclose(limits);
    assert_true(seen);
    destroy(enclave);
}

static void the_host_maps_no_enclave_memory(void **state)
{
    (void)state;
    cella_enclave_t *enclave = create_sandbox();
    uint64_t addresses[2];
    plant_secret(addresses);
    /* The enclave's pages are the enclave process's secret memory; none is mapped here. */
    assert_false(own_maps_mention("secretmem"));
    pid_t monitor = 0, process = 0;
    find_processes(&monitor, &process);
    char path[64], line[512];
    snprintf(path, sizeof(path), "/proc/%d/maps", (int)process);
    FILE *maps = fopen(path, "re");
    if (maps != NULL) {
        /* Where this process may look (root): the enclave's data is secret memory there. */
        bool secret_mapping = false;
        while (fgets(line, sizeof(line), maps) != NULL)
            secret_mapping = secret_mapping || strstr(line, "secretmem") != NULL;
        fclose(maps);
        assert_true(secret_mapping);
    }
    destroy(enclave);
}

static void proc_pid_mem_of_the_enclave_process_reveals_no_secret(void **state)
{
    (void)state;
    cella_enclave_t *enclave = create_sandbox();
    uint64_t addresses[2];
    uint8_t seen[SECRET_BYTES], secret[SECRET_BYTES];
    pid_t monitor = 0, process = 0;
    char path[64];

    plant_secret(addresses);
    find_processes(&monitor, &process);
    snprintf(path, sizeof(path), "/proc/%d/mem", (int)process);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    /* Another user, or the same user without privileges: the process is not dumpable, so
     * the open fails. Root: the open succeeds, and reading secret memory fails. */
    ssize_t read_global = -1, read_heap = -1;
    if (fd >= 0) {
        read_global = pread(fd, seen, sizeof(seen), (off_t)addresses[0]);
        read_heap = pread(fd, seen, sizeof(seen), (off_t)addresses[1]);
        close(fd);
    }
    reveal_secret(secret);
    assert_true(read_global < 0 && read_heap < 0);
    destroy(enclave);
}

static void process_vm_readv_of_the_enclave_process_fails(void **state)
{
    (void)state;
    cella_enclave_t *enclave = create_sandbox();
    uint64_t addresses[2];
    uint8_t seen[SECRET_BYTES];
    pid_t monitor = 0, process = 0;

    plant_secret(addresses);
    find_processes(&monitor, &process);
    for (int i = 0; i < 2; i++) {
        struct iovec local = {.iov_base = seen, .iov_len = sizeof(seen)};
        struct iovec remote = {.iov_base = (void *)(uintptr_t)addresses[i],
                               .iov_len = sizeof(seen)};
        assert_true(process_vm_readv(process, &local, 1, &remote, 1, 0) < 0);
    }
    destroy(enclave);
}

/* In a child without capabilities (a process of the same user), tries PTRACE_ATTACH. */
static int unprivileged_attach_errno(pid_t target)
{
    pid_t child = fork();
    if (child == 0) {
        struct __user_cap_header_struct header = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
        struct __user_cap_data_struct data[2];
        memset(data, 0, sizeof(data));
        if (syscall(SYS_capset, &header, data) != 0)
            _exit(100);
        if (ptrace(PTRACE_ATTACH, target, NULL, NULL) == 0)
            _exit(0);
        _exit(errno > 0 && errno < 100 ? errno : 101);
    }
    int status = 0;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 102;
}

static void ptrace_attach_by_a_process_of_the_same_user_fails(void **state)
{
    (void)state;
    cella_enclave_t *enclave = create_sandbox();
    pid_t monitor = 0, process = 0;
    find_processes(&monitor, &process);
    /* Neither the enclave process nor the monitor (which will hold platform secrets). */
    assert_int_equal(unprivileged_attach_errno(process), EPERM);
    assert_int_equal(unprivileged_attach_errno(monitor), EPERM);
    int result = 0;
    assert_int_equal(call_int(current_id, ECALL_CALL_HOST, 1, &result), SGX_SUCCESS);
    destroy(enclave);
}

static void ptrace_by_root_cannot_read_enclave_pages(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip(); /* only a privileged tracer can attach at all (see the test above) */
    cella_enclave_t *enclave = create_sandbox();
    uint64_t addresses[2];
    pid_t monitor = 0, process = 0;
    plant_secret(addresses);
    find_processes(&monitor, &process);
    /* SEIZE + INTERRUPT stops one thread without a group stop of the others. */
    if (ptrace(PTRACE_SEIZE, process, NULL, NULL) != 0) {
        /* Root without CAP_SYS_PTRACE (a container) is refused like any other user. */
        assert_int_equal(errno, EPERM);
        destroy(enclave);
        skip();
    }
    assert_int_equal(ptrace(PTRACE_INTERRUPT, process, NULL, NULL), 0);
    int status = 0;
    assert_int_equal(waitpid(process, &status, __WALL), process);
    for (int i = 0; i < 2; i++) {
        errno = 0;
        long word = ptrace(PTRACE_PEEKDATA, process, (void *)(uintptr_t)addresses[i], NULL);
        assert_int_equal(word, -1);
        assert_int_not_equal(errno, 0);
    }
    assert_int_equal(ptrace(PTRACE_DETACH, process, NULL, NULL), 0);
    int result = 0;
    assert_int_equal(call_int(current_id, ECALL_CALL_HOST, 1, &result), SGX_SUCCESS);
    assert_int_equal(result, 3);
    destroy(enclave);
}

static void a_system_call_inside_crashes_the_enclave_and_the_log_names_it(void **state)
{
    (void)state;
    cella_enclave_t *enclave = create_sandbox();
    int result = 0;
    log_clear();
    assert_int_equal(call_int(current_id, ECALL_SYSTEM_CALL, 0, &result),
                     SGX_ERROR_ENCLAVE_CRASHED);
    assert_true(log_contains("getpid"));
    assert_true(log_contains("OCALL"));
    int pair[2] = {1, 2};
    assert_int_equal(call(current_id, ECALL_ADD, pair, sizeof(pair), &result, sizeof(result)),
                     SGX_ERROR_ENCLAVE_CRASHED);
    destroy(enclave);
}

/* Enclave code writing requests to its monitor and never reading the replies is stopped; the
 * monitor keeps serving the host, and destroy returns. */
static void an_enclave_that_floods_its_monitor_is_stopped(void **state)
{
    (void)state;
    cella_enclave_t *enclave = create_sandbox();
    int result = 0;
    log_clear();
    assert_int_equal(call_int(current_id, ECALL_FLOOD_MONITOR, 0, &result),
                     SGX_ERROR_ENCLAVE_CRASHED);
    assert_true(log_contains("does not read the platform's replies"));
    destroy(enclave);
}

static void a_stack_overflow_inside_crashes_the_enclave_not_the_host(void **state)
{
    (void)state;
    cella_enclave_t *enclave = create_sandbox();
    int result = 0;
    log_clear();
    /* The guard page below the stack faults; the handler runs on its own stack. */
    assert_int_equal(call_int(current_id, ECALL_OVERFLOW_STACK, 0, &result),
                     SGX_ERROR_ENCLAVE_CRASHED);
    assert_true(log_contains("Segmentation fault at enclave offset"));
    destroy(enclave);
}

/* ---- processes that die ------------------------------------------------------------------- */

static void killing_the_idle_enclave_process_gives_crashed(void **state)
{
    (void)state;
    cella_enclave_t *enclave = create_sandbox();
    int result = 0;
    find_processes(&victim_monitor, &victim_enclave);
    log_clear();
    kill_and_wait(victim_enclave);
    assert_int_equal(call_int(current_id, ECALL_CALL_HOST, 1, &result), SGX_ERROR_ENCLAVE_CRASHED);
    assert_int_equal(call_int(current_id, ECALL_CALL_HOST, 1, &result), SGX_ERROR_ENCLAVE_CRASHED);
    assert_true(log_contains("killed by signal 9"));
    destroy(enclave);
}

static void killing_the_enclave_process_during_an_ocall_gives_crashed(void **state)
{
    (void)state;
    cella_enclave_t *enclave = create_sandbox();
    int result = 0;
    find_processes(&victim_monitor, &victim_enclave);
    assert_int_equal(call_int(current_id, ECALL_CALL_HOST, KILL_ENCLAVE, &result),
                     SGX_ERROR_ENCLAVE_CRASHED);
    assert_int_equal(call_int(current_id, ECALL_CALL_HOST, 1, &result), SGX_ERROR_ENCLAVE_CRASHED);
    destroy(enclave);
    /* A new enclave from the same file works. */
    enclave = create_sandbox();
    assert_int_equal(call_int(current_id, ECALL_CALL_HOST, 1, &result), SGX_SUCCESS);
    assert_int_equal(result, 3);
    destroy(enclave);
}

static void killing_the_idle_monitor_gives_lost(void **state)
{
    (void)state;
    cella_enclave_t *enclave = create_sandbox();
    int result = 0;
    find_processes(&victim_monitor, &victim_enclave);
    int enclave_fd = pidfd_open(victim_enclave, 0);
    assert_true(enclave_fd >= 0);
    kill_and_wait(victim_monitor);
    assert_true(wait_gone(enclave_fd)); /* the enclave process goes with its monitor */
    close(enclave_fd);
    assert_int_equal(call_int(current_id, ECALL_CALL_HOST, 1, &result), SGX_ERROR_ENCLAVE_LOST);
    assert_int_equal(call_int(current_id, ECALL_CALL_HOST, 1, &result), SGX_ERROR_ENCLAVE_LOST);
    destroy(enclave);
}

static void killing_the_monitor_during_an_ocall_gives_lost(void **state)
{
    (void)state;
    cella_enclave_t *enclave = create_sandbox();
    int result = 0;
    find_processes(&victim_monitor, &victim_enclave);
    assert_int_equal(call_int(current_id, ECALL_CALL_HOST, KILL_MONITOR, &result),
                     SGX_ERROR_ENCLAVE_LOST);
    assert_int_equal(call_int(current_id, ECALL_CALL_HOST, 1, &result), SGX_ERROR_ENCLAVE_LOST);
    destroy(enclave);
}

struct holder {
    sgx_status_t status;
    int result;
};

static void *hold_tcs(void *argument)
{
    struct holder *holder = argument;
    holder->status = call_int(current_id, ECALL_CALL_HOST, HOLD_TCS, &holder->result);
    return NULL;
}

static void *destroy_in_background(void *argument)
{
    cella_enclave_destroy(argument);
    return NULL;
}

static void destroy_waits_for_calls_in_flight_and_refuses_new_ones(void **state)
{
    (void)state;
    cella_enclave_t *enclave = create_sandbox();
    pthread_barrier_t barrier;
    pthread_t holder_thread, destroyer;
    struct holder holder = {0};
    int result = 0;

    pthread_barrier_init(&barrier, NULL, 2);
    hold_barrier = &barrier;
    assert_int_equal(pthread_create(&holder_thread, NULL, hold_tcs, &holder), 0);
    pthread_barrier_wait(&barrier); /* the holder is inside its OCALL */
    assert_int_equal(pthread_create(&destroyer, NULL, destroy_in_background, enclave), 0);
    /* Once destroy has begun, new calls are refused... */
    sgx_status_t status = SGX_SUCCESS;
    for (int i = 0; i < LIVENESS_WAIT_MS; i++) {
        status = call_int(current_id, ECALL_CALL_HOST, 1, &result);
        if (status == SGX_ERROR_INVALID_ENCLAVE_ID)
            break;
        nanosleep(&(struct timespec){.tv_nsec = 1000000}, NULL);
    }
    assert_int_equal(status, SGX_ERROR_INVALID_ENCLAVE_ID);
    /* ...while the call in flight finishes normally, and then destroy completes. */
    pthread_barrier_wait(&barrier);
    pthread_join(holder_thread, NULL);
    assert_int_equal(holder.status, SGX_SUCCESS);
    assert_int_equal(holder.result, 1);
    pthread_join(destroyer, NULL);
    pthread_barrier_destroy(&barrier);
    assert_no_processes_left();
}

/* Runs this program again with two arguments; returns the child's pid. */
static pid_t run_self(const char *first, const char *second)
{
    pid_t child = fork();
    if (child == 0) {
        char self[4096];
        ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
        if (n > 0) {
            self[n] = '\0';
            char *argv[] = {self, (char *)(uintptr_t)first, (char *)(uintptr_t)second, NULL};
            execv(self, argv);
        }
        _exit(127);
    }
    return child;
}

static int wait_exit_code(pid_t child)
{
    int status = 0;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void a_host_that_dies_leaves_no_monitor_or_enclave_process(void **state)
{
    (void)state;
    int pipe_fds[2];
    char fd_text[16], line[64] = {0};

    /* Orphans are reparented to this process, so it can also reap them. */
    assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), 0);
    assert_int_equal(pipe(pipe_fds), 0);
    snprintf(fd_text, sizeof(fd_text), "%d", pipe_fds[1]);
    pid_t child = run_self("--host-child", fd_text);
    assert_true(child > 0);
    close(pipe_fds[1]);
    size_t used = 0;
    while (used < sizeof(line) - 1 && strchr(line, '\n') == NULL) {
        ssize_t n = read(pipe_fds[0], line + used, sizeof(line) - 1 - used);
        if (n <= 0)
            break;
        used += (size_t)n;
    }
    close(pipe_fds[0]);
    int monitor = 0, process = 0;
    assert_int_equal(sscanf(line, "%d %d", &monitor, &process), 2);
    int monitor_fd = pidfd_open(monitor, 0), process_fd = pidfd_open(process, 0);
    assert_true(monitor_fd >= 0 && process_fd >= 0);

    kill(child, SIGKILL); /* the host dies without cleaning anything up */
    assert_int_equal(wait_exit_code(child), 128 + SIGKILL);
    assert_true(wait_gone(monitor_fd));
    assert_true(wait_gone(process_fd));
    close(monitor_fd);
    close(process_fd);
    while (waitpid(-1, NULL, WNOHANG) > 0) {
    }
    assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0), 0);
}

/*
 * Runs `child_and_parent` (which forks and checks the child's side) on an enclave of each
 * backend; afterwards the parent's enclave must still work.
 */
static void after_a_fork_the_parents_enclave_works(void (*child_and_parent)(uint64_t id))
{
    static const cella_backend_t backends[] = {CELLA_BACKEND_SANDBOX, CELLA_BACKEND_SIM};
    for (size_t b = 0; b < sizeof(backends) / sizeof(backends[0]); b++) {
        cella_enclave_t *enclave = NULL;
        int pair[2] = {20, 22}, result = 0;
        assert_int_equal(try_create(backends[b], 0, 0, &enclave), CELLA_OK);
        uint64_t id = cella_enclave_get_id(enclave);
        current_id = id;
        child_and_parent(id);
        assert_int_equal(call(id, ECALL_ADD, pair, sizeof(pair), &result, sizeof(result)),
                         SGX_SUCCESS);
        assert_int_equal(result, 42);
        if (backends[b] == CELLA_BACKEND_SANDBOX)
            destroy(enclave);
        else
            cella_enclave_destroy(enclave);
    }
}

/* The child's copy of enclave `id` can be destroyed: 0, or 4 when it is still there. */
static int child_destroys_its_copy(uint64_t id)
{
    cella_enclave_destroy(cella_enclave_from_id(id));
    return cella_enclave_from_id(id) != NULL ? 4 : 0;
}

/*
 * fork(): the child does not get the enclave (SGX_ERROR_ENCLAVE_LOST, as on SGX), and what
 * it does with its copy (calls, destroy) leaves the parent's enclave working. Both backends.
 */
static void fork_between_calls(uint64_t id)
{
    int pair[2] = {20, 22}, result = 0;
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        int code = 0;
        if (call(id, ECALL_ADD, pair, sizeof(pair), &result, sizeof(result)) !=
            SGX_ERROR_ENCLAVE_LOST)
            code |= 1;
        if (cella_enclave_from_id(id) == NULL)
            code |= 8;
        code |= child_destroys_its_copy(id);
        if (call(id, ECALL_ADD, pair, sizeof(pair), &result, sizeof(result)) !=
            SGX_ERROR_INVALID_ENCLAVE_ID)
            code |= 2;
        _exit(code);
    }
    assert_int_equal(wait_exit_code(child), 0);
}

static void a_forked_child_cannot_reach_the_parents_enclave(void **state)
{
    (void)state;
    after_a_fork_the_parents_enclave_works(fork_between_calls);
}

/*
 * fork() inside an OCALL (an OCALL that starts a program): the child returns from the OCALL
 * into an enclave it does not have, so its ECALL ends with SGX_ERROR_ENCLAVE_LOST and it can
 * destroy its copy; it still reads the OCALL's arguments, and what it writes as the answer
 * never reaches the parent, whose ECALL completes with its own answer. Both backends.
 */
static void fork_inside_an_ocall(uint64_t id)
{
    int result = 0;
    forked_child_exit = -1;
    sgx_status_t status = call_int(id, ECALL_CALL_HOST, FORK_IN_OCALL, &result);
    if (in_forked_child) {
        int code = 0;
        if (status != SGX_ERROR_ENCLAVE_LOST)
            code |= 1;
        if (!forked_child_saw_arguments)
            code |= 2;
        _exit(code | child_destroys_its_copy(id));
    }
    assert_int_equal(forked_child_exit, 0);
    assert_int_equal(status, SGX_SUCCESS);
    assert_int_equal(result, 2 * FORK_IN_OCALL + 1);
}

static void a_child_forked_inside_an_ocall_loses_the_enclave_and_not_the_parent(void **state)
{
    (void)state;
    after_a_fork_the_parents_enclave_works(fork_inside_an_ocall);
}

/*
 * Sim: a host fault with a handler that chains to the one it replaced, installed between two
 * enclave loads (crash reporters do this), reaches that handler and then the default action;
 * it must not bounce between the two handlers. The child reports each call on a pipe.
 */
static int chain_report_fd = -1;
static struct sigaction chained_previous;

static void chaining_handler(int signal_number, siginfo_t *info, void *context)
{
    (void)!write(chain_report_fd, "x", 1);
    if ((chained_previous.sa_flags & SA_SIGINFO) && chained_previous.sa_sigaction != NULL)
        chained_previous.sa_sigaction(signal_number, info, context);
    else
        signal(signal_number, SIG_DFL);
}

static int chained_fault(const char *fd_text)
{
    cella_enclave_t *first = NULL, *second = NULL;
    chain_report_fd = atoi(fd_text);
    if (try_create(CELLA_BACKEND_SIM, 0, 0, &first) != CELLA_OK)
        return 1;
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_sigaction = chaining_handler;
    action.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&action.sa_mask);
    if (sigaction(SIGSEGV, &action, &chained_previous) != 0)
        return 2;
    if (try_create(CELLA_BACKEND_SIM, 0, 0, &second) != CELLA_OK)
        return 3;
    /* A fault of the host's own code: a write to the first page, which is never mapped. */
    volatile int *nowhere = (volatile int *)(uintptr_t)atoi("16");
    *nowhere = 1;
    return 4;
}

/*
 * Runs this program with `mode` and a pipe on which its fault handler reports each call: the
 * process must end with SIGSEGV's default action after the handler ran once, or twice (the
 * fault repeats once after the default action is restored).
 */
static void a_fault_reaches_the_handler_once_then_the_default_action(const char *mode)
{
    int fds[2];
    char fd_text[16];
    assert_int_equal(pipe(fds), 0);
    snprintf(fd_text, sizeof(fd_text), "%d", fds[1]);
    pid_t child = run_self(mode, fd_text);
    assert_true(child > 0);
    close(fds[1]);
    char calls[64];
    size_t n = 0;
    for (ssize_t got; n < sizeof(calls) && (got = read(fds[0], calls + n, sizeof(calls) - n)) > 0;)
        n += (size_t)got;
    close(fds[0]);
    assert_int_equal(wait_exit_code(child), 128 + SIGSEGV);
    assert_true(n >= 1 && n <= 2);
}

static void a_host_fault_with_a_chaining_handler_ends_once(void **state)
{
    (void)state;
    a_fault_reaches_the_handler_once_then_the_default_action("--chained-fault");
}

/*
 * Sim: a handler the application installed before the load that recovers from a host fault
 * by siglongjmp (never returning to the handler that chained to it) is reached again at
 * the next fault, and the one after: the chaining guard must not stay set.
 */
static sigjmp_buf recover_point;
static volatile sig_atomic_t recoveries;

static void recovering_handler(int signal_number)
{
    (void)signal_number;
    recoveries++;
    siglongjmp(recover_point, 1);
}

static int recovered_faults(void)
{
    cella_enclave_t *enclave = NULL;
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_handler = recovering_handler;
    sigemptyset(&action.sa_mask);
    if (sigaction(SIGSEGV, &action, NULL) != 0)
        return 1;
    if (try_create(CELLA_BACKEND_SIM, 0, 0, &enclave) != CELLA_OK)
        return 2;
    for (int i = 0; i < 3; i++) {
        if (sigsetjmp(recover_point, 1) == 0) {
            volatile int *nowhere = (volatile int *)(uintptr_t)atoi("16");
            *nowhere = 1;
            return 3;
        }
    }
    cella_enclave_destroy(enclave);
    return recoveries == 3 ? 0 : 4;
}

/*
 * Sim: an application handler, installed before the load, that faults inside itself (with
 * SA_NODEFER, so the fault is delivered again at once) ends the process with the fault's
 * default action instead of being called again and again.
 */
static int nested_report_fd = -1;

static void faulting_handler(int signal_number)
{
    (void)signal_number;
    (void)!write(nested_report_fd, "x", 1);
    volatile uintptr_t nowhere = 16;
    *(volatile int *)nowhere = 1;
}

static int nested_fault(const char *fd_text)
{
    cella_enclave_t *enclave = NULL;
    struct sigaction action;
    nested_report_fd = atoi(fd_text);
    alarm(20); /* a loop ends with SIGALRM, and the test fails */
    memset(&action, 0, sizeof(action));
    action.sa_handler = faulting_handler;
    action.sa_flags = SA_NODEFER;
    sigemptyset(&action.sa_mask);
    if (sigaction(SIGSEGV, &action, NULL) != 0)
        return 1;
    if (try_create(CELLA_BACKEND_SIM, 0, 0, &enclave) != CELLA_OK)
        return 2;
    /* An ECALL first: this thread then has the sim's alternate signal stack, as threads
     * that use enclaves do. */
    int pair[2] = {20, 22}, result = 0;
    if (call(cella_enclave_get_id(enclave), ECALL_ADD, pair, sizeof(pair), &result,
             sizeof(result)) != SGX_SUCCESS ||
        result != 42)
        return 3;
    volatile uintptr_t nowhere = 16;
    *(volatile int *)nowhere = 1;
    return 4;
}

static void a_fault_inside_the_applications_handler_takes_the_default_action(void **state)
{
    (void)state;
    a_fault_reaches_the_handler_once_then_the_default_action("--nested-fault");
}

static void host_faults_recovered_by_the_applications_handler_reach_it_each_time(void **state)
{
    (void)state;
    pid_t child = run_self("--recovered-faults", "-");
    assert_true(child > 0);
    assert_int_equal(wait_exit_code(child), 0);
}

/*
 * A host in a process group of its own that ignores SIGINT, SIGQUIT and SIGHUP gets them
 * sent to its whole group (Ctrl-C, a terminal hang-up): its enclave must live on, as on SGX.
 */
static void signals_to_the_hosts_process_group_leave_its_enclave_alone(void **state)
{
    (void)state;
    pid_t child = run_self("--group-signals", "-");
    assert_true(child > 0);
    assert_int_equal(wait_exit_code(child), 0);
}

static int group_signals(void)
{
    cella_enclave_t *enclave = NULL;
    int pair[2] = {20, 22}, result = 0;

    if (setpgid(0, 0) != 0)
        return 1;
    signal(SIGINT, SIG_IGN);
    signal(SIGQUIT, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    if (try_create(CELLA_BACKEND_SANDBOX, 0, 0, &enclave) != CELLA_OK)
        return 2;
    current_id = cella_enclave_get_id(enclave);
    if (kill(0, SIGINT) != 0 || kill(0, SIGQUIT) != 0 || kill(0, SIGHUP) != 0)
        return 3;
    usleep(200000); /* time for a default action to end the monitor, were it in the group */
    if (call(current_id, ECALL_ADD, pair, sizeof(pair), &result, sizeof(result)) != SGX_SUCCESS ||
        result != 42)
        return 4;
    cella_enclave_destroy(enclave);
    return 0;
}

/*
 * A tracer that follows the host's forks (strace -f, a debugger following children) would be
 * attached to the monitor and the enclave process from their first instruction, before they
 * make themselves non-dumpable. The sandbox refuses to load an enclave under it.
 */
static void a_host_traced_with_its_children_gets_no_enclave(void **state)
{
    (void)state;
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) != 0)
            _exit(100);
        raise(SIGSTOP);
        char self[4096];
        ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
        if (n > 0) {
            self[n] = '\0';
            char *argv[] = {self, (char *)(uintptr_t) "--traced-host", NULL};
            execv(self, argv);
        }
        _exit(127);
    }
    int status = 0;
    assert_int_equal(waitpid(child, &status, 0), child);
    assert_true(WIFSTOPPED(status));
    assert_int_equal(
        ptrace(PTRACE_SETOPTIONS, child, NULL,
               (void *)(uintptr_t)(PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |
                                   PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL)),
        0);
    assert_int_equal(ptrace(PTRACE_CONT, child, NULL, NULL), 0);
    /* Let every tracee run, passing on the signals that are theirs, until the host ends. */
    int code = -1;
    for (;;) {
        pid_t pid = waitpid(-1, &status, __WALL);
        if (pid < 0 && errno == EINTR)
            continue;
        assert_true(pid > 0);
        if (WIFEXITED(status) || WIFSIGNALED(status)) {
            if (pid == child) {
                code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
                break;
            }
            continue;
        }
        int signal_number = WSTOPSIG(status);
        bool event = status >> 16 != 0 || signal_number == SIGTRAP || signal_number == SIGSTOP;
        (void)ptrace(PTRACE_CONT, pid, NULL, (void *)(uintptr_t)(event ? 0 : signal_number));
    }
    assert_int_equal(code, 0);
}

static int traced_host(void)
{
    cella_enclave_t *enclave = NULL;
    cella_result_t result = try_create(CELLA_BACKEND_SANDBOX, 0, 0, &enclave);
    if (result == CELLA_OK)
        return 1; /* an enclave under a tracer */
    if (!log_contains("is traced") || !log_contains("CELLA_BACKEND=sim"))
        return 2;
    return 0;
}

static void a_kernel_without_memfd_secret_is_a_clear_error(void **state)
{
    (void)state;
    pid_t child = run_self("--without", "memfd_secret");
    assert_int_equal(wait_exit_code(child), 0);
}

static void a_kernel_without_seccomp_filters_is_a_clear_error(void **state)
{
    (void)state;
    pid_t child = run_self("--without", "seccomp");
    assert_int_equal(wait_exit_code(child), 0);
}

/* ---- service mode: run by service.sh as an application user, cella-platformd as another ---- */

/* The one living process running comm whose real uid is uid; 0 when there is none. */
static pid_t find_by_uid(uid_t uid, const char *comm)
{
    DIR *proc = opendir("/proc");
    struct dirent *entry;
    pid_t found = 0;
    int count = 0;

    if (proc == NULL)
        return 0;
    while ((entry = readdir(proc)) != NULL) {
        char *end = NULL;
        long pid = strtol(entry->d_name, &end, 10);
        char name[64], state = '?';
        pid_t ppid = 0;
        if (*end != '\0' || pid <= 0 || process_uid((pid_t)pid) != (long)uid ||
            !read_stat((pid_t)pid, name, sizeof(name), &state, &ppid))
            continue;
        if (strcmp(name, comm) == 0 && state != 'Z') {
            found = (pid_t)pid;
            count++;
        }
    }
    closedir(proc);
    return count == 1 ? found : 0;
}

static uid_t service_uid(void)
{
    const char *text = getenv("CELLA_TEST_SERVICE_UID");
    assert_non_null(text);
    return (uid_t)strtoul(text, NULL, 10);
}

static void calls_work_through_cella_platformd(void **state)
{
    (void)state;
    cella_enclave_t *enclave = NULL;
    int result = 0;

    assert_non_null(getenv("CELLA_PLATFORM_SOCKET"));
    assert_int_equal(try_create(CELLA_BACKEND_DEFAULT, 0, 0, &enclave), CELLA_OK);
    current_id = cella_enclave_get_id(enclave);
    assert_int_equal(call_int(current_id, ECALL_CALL_HOST, 1, &result), SGX_SUCCESS);
    assert_int_equal(result, 3);
    /* No monitor of this user: the daemon's runs the enclave. */
    assert_int_equal(find_children(getpid(), "cella-monitor", NULL), 0);
    cella_enclave_destroy(enclave);
}

static void the_application_user_can_neither_read_trace_nor_signal_the_enclave(void **state)
{
    (void)state;
    cella_enclave_t *enclave = NULL;
    uint64_t addresses[2];
    uint8_t seen[SECRET_BYTES];

    assert_int_equal(try_create(CELLA_BACKEND_DEFAULT, 0, 0, &enclave), CELLA_OK);
    current_id = cella_enclave_get_id(enclave);
    plant_secret(addresses);
    pid_t process = find_by_uid(service_uid(), "cella-enclave");
    assert_true(process > 0);
    assert_int_equal(find_by_uid(getuid(), "cella-enclave"), 0);

    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/mem", (int)process);
    errno = 0;
    assert_true(open(path, O_RDONLY | O_CLOEXEC) < 0);
    assert_true(errno == EACCES || errno == EPERM);

    struct iovec local = {.iov_base = seen, .iov_len = sizeof(seen)};
    struct iovec remote = {.iov_base = (void *)(uintptr_t)addresses[1], .iov_len = sizeof(seen)};
    errno = 0;
    assert_true(process_vm_readv(process, &local, 1, &remote, 1, 0) < 0);
    assert_int_equal(errno, EPERM);

    errno = 0;
    assert_true(ptrace(PTRACE_ATTACH, process, NULL, NULL) < 0);
    assert_int_equal(errno, EPERM);
    errno = 0;
    assert_true(kill(process, SIGKILL) < 0);
    assert_int_equal(errno, EPERM);

    /* The enclave is unharmed by all of it. */
    int result = 0;
    assert_int_equal(call_int(current_id, ECALL_CALL_HOST, 20, &result), SGX_SUCCESS);
    assert_int_equal(result, 41);
    cella_enclave_destroy(enclave);
}

static void scanning_this_users_processes_finds_no_secret_of_a_service_enclave(void **state)
{
    (void)state;
    assert_int_equal(scan_finds_the_secret(CELLA_BACKEND_DEFAULT), 0);
}

static void destroy_ends_the_service_enclave_process(void **state)
{
    (void)state;
    cella_enclave_t *enclave = NULL;

    assert_int_equal(try_create(CELLA_BACKEND_DEFAULT, 0, 0, &enclave), CELLA_OK);
    pid_t process = find_by_uid(service_uid(), "cella-enclave");
    assert_true(process > 0);
    int pidfd = pidfd_open(process, 0);
    assert_true(pidfd >= 0);
    cella_enclave_destroy(enclave);
    assert_true(wait_gone(pidfd));
    close(pidfd);
}

static int service_client(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(calls_work_through_cella_platformd),
        cmocka_unit_test(the_application_user_can_neither_read_trace_nor_signal_the_enclave),
        cmocka_unit_test(scanning_this_users_processes_finds_no_secret_of_a_service_enclave),
        cmocka_unit_test(destroy_ends_the_service_enclave_process),
    };
    return cmocka_run_group_tests_name("service mode", tests, NULL, NULL);
}

/* A service-mode host that prints its enclave process and waits to be killed. */
static int service_hold(void)
{
    cella_enclave_t *enclave = NULL;
    int result = 0;

    if (try_create(CELLA_BACKEND_DEFAULT, 0, 0, &enclave) != CELLA_OK)
        return 1;
    current_id = cella_enclave_get_id(enclave);
    if (call_int(current_id, ECALL_CALL_HOST, 1, &result) != SGX_SUCCESS || result != 3)
        return 2;
    printf("%d\n", (int)find_by_uid(service_uid(), "cella-enclave"));
    fflush(stdout);
    for (;;)
        pause();
}

/* A host whose user may not use the socket: a clear error, exit 0 when it says so. */
static int service_refused(void)
{
    cella_enclave_t *enclave = NULL;
    cella_result_t result = try_create(CELLA_BACKEND_DEFAULT, 0, 0, &enclave);
    if (result == CELLA_OK)
        return 1;
    if (!log_contains("cannot reach cella-platformd") || !log_contains("may not use it"))
        return 2;
    return 0;
}

/* A host over its user's limit at cella-platformd: a clear error, exit 0 when it says so. */
static int service_limited(void)
{
    cella_enclave_t *enclave = NULL;
    cella_result_t result = try_create(CELLA_BACKEND_DEFAULT, 0, 0, &enclave);
    if (result == CELLA_OK)
        return 1;
    if (!log_contains("ended the connection") || !log_contains("--max-enclaves-per-user"))
        return 2;
    return 0;
}

/* ---- child modes --------------------------------------------------------------------------- */

/* A host that makes one call, says which processes serve it, and waits to be killed. */
static int host_child(const char *fd_text)
{
    cella_enclave_t *enclave = NULL;
    int fd = atoi(fd_text), result = 0;
    if (try_create(CELLA_BACKEND_SANDBOX, 0, 0, &enclave) != CELLA_OK)
        return 1;
    current_id = cella_enclave_get_id(enclave);
    if (call_int(current_id, ECALL_CALL_HOST, 1, &result) != SGX_SUCCESS || result != 3)
        return 2;
    pid_t monitor = 0, process = 0;
    if (find_children(getpid(), "cella-monitor", &monitor) != 1 ||
        find_children(monitor, "cella-enclave", &process) != 1)
        return 3;
    dprintf(fd, "%d %d\n", (int)monitor, (int)process);
    close(fd);
    for (;;)
        pause();
}

/*
 * A kernel without the feature, as far as this process and its children can tell: a seccomp
 * filter makes memfd_secret fail with ENOSYS, or seccomp filters unavailable (seccomp(2)
 * ENOSYS, prctl(PR_SET_SECCOMP) EINVAL). Creating a sandbox enclave must fail with
 * CELLA_ERR_UNSUPPORTED and a log naming the feature and a remedy.
 */
static int without_feature(const char *feature)
{
    bool memfd = strcmp(feature, "memfd_secret") == 0;
    struct sock_filter memfd_filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 447 /* memfd_secret */, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_filter seccomp_filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_seccomp, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_prctl, 0, 3),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PR_SET_SECCOMP, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EINVAL),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog program = {
        .len = (unsigned short)(memfd ? sizeof(memfd_filter) / sizeof(memfd_filter[0])
                                      : sizeof(seccomp_filter) / sizeof(seccomp_filter[0])),
        .filter = memfd ? memfd_filter : seccomp_filter,
    };
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
        prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) != 0)
        return 10;
    cella_enclave_t *enclave = NULL;
    cella_result_t result = try_create(CELLA_BACKEND_SANDBOX, 0, 0, &enclave);
    if (result != CELLA_ERR_UNSUPPORTED || enclave != NULL)
        return 11;
    if (!log_contains(memfd ? "memfd_secret" : "seccomp") || !log_contains("remedy"))
        return 12;
    if (find_children(getpid(), "cella-monitor", NULL) != 0)
        return 13;
    return 0;
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ecalls_ocalls_and_nested_ecalls_work_in_every_spin_mode),
        cmocka_unit_test(nested_ecalls_ten_deep_run_on_one_tcs),
        cmocka_unit_test(a_one_mib_in_out_ecall_round_trips),
        cmocka_unit_test(a_one_mib_ocall_round_trips),
        cmocka_unit_test(streamed_payloads_arrive_whole_both_ways_in_every_spin_mode),
        cmocka_unit_test(a_nested_streamed_ecall_inside_a_streamed_one_leaves_both_whole),
        cmocka_unit_test(a_sim_enclave_takes_the_same_payloads_the_proxys_way),
        cmocka_unit_test(a_call_larger_than_the_call_buffers_is_out_of_memory),
        cmocka_unit_test(the_sandbox_is_the_default_and_cella_backend_sim_selects_sim),
        cmocka_unit_test(a_missing_monitor_is_a_clear_error),
        cmocka_unit_test(the_host_cannot_read_a_secret_in_enclave_globals_or_heap),
        cmocka_unit_test(the_same_check_finds_the_secret_of_a_sim_enclave),
        cmocka_unit_test(scanning_every_process_of_the_user_finds_no_enclave_secret),
        cmocka_unit_test(the_same_scan_finds_both_copies_of_a_sim_enclave_secret),
        cmocka_unit_test(the_host_maps_no_enclave_memory),
        cmocka_unit_test(the_enclave_never_sees_the_host_rewrite_an_input_during_the_call),
        cmocka_unit_test(the_enclave_process_cannot_dump_core),
        cmocka_unit_test(proc_pid_mem_of_the_enclave_process_reveals_no_secret),
        cmocka_unit_test(process_vm_readv_of_the_enclave_process_fails),
        cmocka_unit_test(ptrace_attach_by_a_process_of_the_same_user_fails),
        cmocka_unit_test(ptrace_by_root_cannot_read_enclave_pages),
        cmocka_unit_test(a_system_call_inside_crashes_the_enclave_and_the_log_names_it),
        cmocka_unit_test(an_enclave_that_floods_its_monitor_is_stopped),
        cmocka_unit_test(a_stack_overflow_inside_crashes_the_enclave_not_the_host),
        cmocka_unit_test(killing_the_idle_enclave_process_gives_crashed),
        cmocka_unit_test(killing_the_enclave_process_during_an_ocall_gives_crashed),
        cmocka_unit_test(killing_the_idle_monitor_gives_lost),
        cmocka_unit_test(killing_the_monitor_during_an_ocall_gives_lost),
        cmocka_unit_test(destroy_waits_for_calls_in_flight_and_refuses_new_ones),
        cmocka_unit_test(a_host_that_dies_leaves_no_monitor_or_enclave_process),
        cmocka_unit_test(a_forked_child_cannot_reach_the_parents_enclave),
        cmocka_unit_test(a_child_forked_inside_an_ocall_loses_the_enclave_and_not_the_parent),
        cmocka_unit_test(a_host_fault_with_a_chaining_handler_ends_once),
        cmocka_unit_test(host_faults_recovered_by_the_applications_handler_reach_it_each_time),
        cmocka_unit_test(a_fault_inside_the_applications_handler_takes_the_default_action),
        cmocka_unit_test(signals_to_the_hosts_process_group_leave_its_enclave_alone),
        cmocka_unit_test(a_host_traced_with_its_children_gets_no_enclave),
        cmocka_unit_test(a_kernel_without_memfd_secret_is_a_clear_error),
        cmocka_unit_test(a_kernel_without_seccomp_filters_is_a_clear_error),
    };
    cella_log_set_handler(capture_log, NULL);
    /* The tests choose backends explicitly; the environment must not choose for them. */
    unsetenv("CELLA_BACKEND");
    if (argc == 3 && strcmp(argv[1], "--host-child") == 0)
        return host_child(argv[2]);
    if (argc == 3 && strcmp(argv[1], "--chained-fault") == 0)
        return chained_fault(argv[2]);
    if (argc == 3 && strcmp(argv[1], "--recovered-faults") == 0)
        return recovered_faults();
    if (argc == 3 && strcmp(argv[1], "--nested-fault") == 0)
        return nested_fault(argv[2]);
    /* _exit: a leak check at exit (sanitizer builds) cannot run under the tracer. */
    if (argc == 2 && strcmp(argv[1], "--traced-host") == 0)
        _exit(traced_host());
    if (argc == 3 && strcmp(argv[1], "--group-signals") == 0)
        return group_signals();
    if (argc == 3 && strcmp(argv[1], "--without") == 0)
        return without_feature(argv[2]);
    if (argc == 2 && strcmp(argv[1], "--service") == 0)
        return service_client();
    if (argc == 2 && strcmp(argv[1], "--service-hold") == 0)
        return service_hold();
    if (argc == 2 && strcmp(argv[1], "--service-refused") == 0)
        return service_refused();
    if (argc == 2 && strcmp(argv[1], "--service-limited") == 0)
        return service_limited();
    /* Dev mode: the tests start their own monitors. */
    unsetenv("CELLA_PLATFORM_SOCKET");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
