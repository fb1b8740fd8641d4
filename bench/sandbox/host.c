/* SPDX-License-Identifier: Apache-2.0 */
/* bench/sandbox/host.c: sandbox-backend calls, bandwidth and creation next to same-run floors. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/evp.h>

#include <cella/host.h>
#include <cella/image_verify.h>
#include <cella/layout.h>

#include "../bench.h"
#include "../bench_image.h"
#include "sandbox_bench_u.h"

/*
 * The sandbox backend runs the enclave in another process; a call goes through a call slot in
 * shared memory, and the waiting side spins for a budget of `pause` iterations, then sleeps on
 * a futex. Each figure here is printed next to a floor measured in the same run, because these
 * machines are shared and noisy; read the ratios.
 *
 *   floor (a)  two processes (fork) bounce a sequence word in one MAP_SHARED page, each side
 *              spinning on it with `pause`: what a spinning cross-process call cannot beat.
 *   floor (b)  the same with FUTEX_WAIT / FUTEX_WAKE on the word and no spinning: what a
 *              sleeping one cannot beat (two wake-ups per round trip).
 *   floor (c)  floor (a) with each side doing, before it answers, half the work of the same
 *              call in process (a register-only loop timed at startup): what a spinning call
 *              that does that much work cannot beat. On some machines (cloud VMs among them)
 *              a side that answers after doing work pays far more than the work itself, so
 *              (c) is well above (a) + the work, and floor (a) alone understates the bound.
 *   sweep      floor (a) again with 10 to 80 ns of work on each side: where the round trip
 *              jumps. The likely cause: a side that answers at once still holds the shared
 *              line, while one that works longer than the other side's polling interval
 *              finds the line taken back and must fetch it again before its answer leaves.
 *
 * The run is split into rounds; each round measures the floors, then every cella figure with
 * a fresh enclave per spin mode, so that slow phases of a shared machine fall on floors and
 * figures alike. Every figure is the median of all batches of all rounds. The floors are
 * never measured while an enclave exists: an idle enclave thread that spins would take a
 * CPU from them.
 *
 * Split lines show the same calls on the sim backend (the image mapped into this process, no
 * boundary): what a call costs in bridges and runtime entry and exit, which the floors do not
 * pay.
 *
 * CPU placement is the same for floors and enclaves. By default the host side runs on one CPU
 * and the other side (the floor's child, the enclave process) on another: left to itself, the
 * kernel sometimes runs both sides of a futex ping-pong on one CPU and sometimes not, and
 * floor (b) then says little about the enclave's placement. --no-pin leaves placement to the
 * kernel for both. An enclave process inherits the CPU mask of the thread that creates the
 * enclave (its watcher thread starts cella-monitor, which starts the enclave process), so the
 * main thread moves to the other CPU while it creates an enclave and back to its own
 * afterwards.
 *
 * Timings are printed, never asserted: a goal line says "met" or "NOT met" and the program
 * still succeeds. It fails only when a call fails.
 */

#define BUFFER_BYTES       ((size_t)1 << 20) /* the [in, out] ECALL's buffer */
#define CALL_BUFFER_BYTES  ((size_t)4 << 20) /* per TCS: holds that buffer's input and output */
#define OCALLS_PER_ECALL   64
#define FLOOR_STOP         UINT32_MAX /* the floor's word: the child ends (odd, never reached) */
#define PAUSE_ITERATIONS   100000
#define SPIN_DEFAULT_LABEL "spin 4000 (default)"
#define SWEEP_LEVELS       5

/* Floor (a) is also measured with these amounts of work on each side (ns): where its round
 * trip jumps shows how much work a spinning ping-pong absorbs on this machine. */
static const double sweep_work_ns[SWEEP_LEVELS] = {10, 20, 30, 40, 80};

_Static_assert(CELLA_SPIN_DEFAULT_ITERATIONS == 4000, "SPIN_DEFAULT_LABEL names the default");

static struct settings {
    bool quick;
    bool pin;
    int host_cpu;  /* with pin: the host's thread, the floor's parent */
    int other_cpu; /* with pin: the enclave process, the floor's child */
    unsigned rounds;
    unsigned batches;                  /* per round, per figure */
    unsigned creation_batches;         /* of one creation and destruction each */
    uint64_t batch_ns;                 /* the length a batch aims at */
    double floor_work_ns;              /* floor (c): the work on each side, in ns */
    uint64_t floor_work;               /* the same, as iterations of floor_work() */
    uint64_t sweep_work[SWEEP_LEVELS]; /* sweep_work_ns as iterations of floor_work() */
} settings;

__attribute__((noreturn, format(printf, 1, 2))) static void fail(const char *format, ...)
{
    va_list arguments;

    fflush(stdout);
    fputs("bench_sandbox: ", stderr);
    va_start(arguments, format);
    vfprintf(stderr, format, arguments);
    va_end(arguments);
    fputc('\n', stderr);
    exit(1);
}

static void check(sgx_status_t status, const char *what)
{
    if (status != SGX_SUCCESS)
        fail("%s failed with status %#x", what, (unsigned)status);
}

/* ---- samples ----------------------------------------------------------------------------- */

/* One unit of measured work: a call, a round trip, a copy. */
typedef void (*step_fn)(void *context);

/* Runs step for about a quarter of a batch (a warm-up) and returns the iterations that fill
 * one batch, at least 1. */
static size_t calibrate(step_fn step, void *context)
{
    uint64_t start = bench_now_ns(), elapsed;
    size_t done = 0;

    do {
        step(context);
        done++;
        elapsed = bench_now_ns() - start;
    } while (elapsed < settings.batch_ns / 4);
    double each = (double)elapsed / (double)done;
    size_t iterations = (size_t)((double)settings.batch_ns / each);
    return iterations != 0 ? iterations : 1;
}

static double time_batch(step_fn step, void *context, size_t iterations)
{
    uint64_t start = bench_now_ns();

    for (size_t i = 0; i < iterations; i++)
        step(context);
    return (double)(bench_now_ns() - start) / (double)iterations;
}

/* One round's batches of step into series. */
static void measure(struct bench_series *series, step_fn step, void *context)
{
    size_t iterations = calibrate(step, context);

    for (unsigned b = 0; b < settings.batches; b++)
        bench_series_add(series, time_batch(step, context, iterations));
}

/* ---- CPU placement ------------------------------------------------------------------------ */

static void pin_to(int cpu)
{
    cpu_set_t set;

    CPU_ZERO(&set);
    CPU_SET((size_t)cpu, &set);
    if (sched_setaffinity(0, sizeof(set), &set) != 0)
        fail("cannot move to CPU %d: %s", cpu, strerror(errno));
}

/* With --pin: the first two CPUs this process may use; false when there are fewer. */
static bool choose_cpus(void)
{
    cpu_set_t set;
    int found = 0;

    if (sched_getaffinity(0, sizeof(set), &set) != 0)
        return false;
    for (int cpu = 0; cpu < CPU_SETSIZE && found < 2; cpu++) {
        if (!CPU_ISSET((size_t)cpu, &set))
            continue;
        if (found++ == 0)
            settings.host_cpu = cpu;
        else
            settings.other_cpu = cpu;
    }
    return found == 2;
}

/* ---- floors: two processes and one shared word -------------------------------------------- */

static inline void cpu_relax(void)
{
    __asm__ __volatile__("pause" ::: "memory");
}

static void futex_wait(uint32_t *word, uint32_t value)
{
    (void)syscall(SYS_futex, word, FUTEX_WAIT, value, NULL, NULL, 0);
}

static void futex_wake(uint32_t *word)
{
    (void)syscall(SYS_futex, word, FUTEX_WAKE, 1, NULL, NULL, 0);
}

/*
 * The parent writes an odd value (a request), the child answers with the next even one. In
 * the spin floor both sides spin with `pause` and never enter the kernel; in the futex floor
 * both sides sleep at once and wake the other after each write.
 */
struct floor {
    bool futex;
    uint64_t work;  /* iterations of floor_work() on each side per round trip */
    uint32_t *word; /* in a MAP_SHARED page */
    uint32_t sequence;
    pid_t child;
};

/* Work that stays in registers: a dependent chain the compiler cannot remove. */
static void floor_work(uint64_t iterations)
{
    uint64_t x = iterations;
    for (uint64_t i = 0; i < iterations; i++)
        __asm__ __volatile__("" : "+r"(x));
}

/* Iterations of floor_work() that take about ns nanoseconds on this CPU. */
static uint64_t floor_work_iterations(double ns)
{
    const uint64_t probe = 1000000;
    struct bench_series series = {0};

    for (int i = 0; i < 15; i++) {
        uint64_t start = bench_now_ns();
        floor_work(probe);
        bench_series_add(&series, (double)(bench_now_ns() - start));
    }
    double per_iteration = bench_series_median(&series) / (double)probe;
    return per_iteration > 0 ? (uint64_t)(ns / per_iteration) : 0;
}

__attribute__((noreturn)) static void floor_answer(bool futex, uint64_t work, uint32_t *word)
{
    for (uint32_t expected = 1;; expected += 2) {
        uint32_t value;
        while ((value = __atomic_load_n(word, __ATOMIC_ACQUIRE)) != expected) {
            if (value == FLOOR_STOP)
                _exit(0);
            if (futex)
                futex_wait(word, value);
            else
                cpu_relax();
        }
        floor_work(work);
        __atomic_store_n(word, expected + 1, __ATOMIC_RELEASE);
        if (futex)
            futex_wake(word);
    }
}

static void spin_round_trip(void *context)
{
    struct floor *floor = context;
    uint32_t answer = floor->sequence + 2;

    floor_work(floor->work);
    __atomic_store_n(floor->word, floor->sequence + 1, __ATOMIC_RELEASE);
    while (__atomic_load_n(floor->word, __ATOMIC_ACQUIRE) != answer)
        cpu_relax();
    floor->sequence = answer;
}

static void futex_round_trip(void *context)
{
    struct floor *floor = context;
    uint32_t answer = floor->sequence + 2, value;

    __atomic_store_n(floor->word, floor->sequence + 1, __ATOMIC_RELEASE);
    futex_wake(floor->word);
    while ((value = __atomic_load_n(floor->word, __ATOMIC_ACQUIRE)) != answer)
        futex_wait(floor->word, value);
    floor->sequence = answer;
}

static void floor_start(struct floor *floor, bool futex, uint64_t work)
{
    pid_t parent = getpid();
    void *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

    if (page == MAP_FAILED)
        fail("cannot map a shared page: %s", strerror(errno));
    floor->futex = futex;
    floor->work = work;
    floor->word = page;
    floor->sequence = 0;
    fflush(stdout);
    floor->child = fork();
    if (floor->child < 0)
        fail("fork: %s", strerror(errno));
    if (floor->child == 0) {
        /* A spinning child must not outlive a parent that died. */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0 || getppid() != parent)
            _exit(1);
        if (settings.pin)
            pin_to(settings.other_cpu);
        floor_answer(futex, work, floor->word);
    }
}

static void floor_stop(struct floor *floor)
{
    int status = 0;
    pid_t reaped;

    __atomic_store_n(floor->word, FLOOR_STOP, __ATOMIC_RELEASE);
    futex_wake(floor->word);
    do {
        reaped = waitpid(floor->child, &status, 0);
    } while (reaped < 0 && errno == EINTR);
    if (reaped != floor->child || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail("the floor's child process ended badly (wait status %#x)", (unsigned)status);
    (void)munmap(floor->word, 4096);
}

static void measure_floor(struct bench_series *series, bool futex, uint64_t work)
{
    struct floor floor;

    floor_start(&floor, futex, work);
    measure(series, futex ? futex_round_trip : spin_round_trip, &floor);
    floor_stop(&floor);
}

/* ---- the enclave -------------------------------------------------------------------------- */

void ocall_empty(void)
{
}

static cella_result_t create_enclave(const char *path, cella_backend_t backend, int64_t spin,
                                     cella_enclave_t **enclave)
{
    cella_enclave_options_t options;
    cella_result_t result;

    memset(&options, 0, sizeof(options));
    options.backend = backend;
    options.debug = true;
    options.spin = spin;
    options.call_buffer_size = CALL_BUFFER_BYTES;
    if (settings.pin)
        pin_to(settings.other_cpu); /* inherited by the enclave process (see the top) */
    result = cella_enclave_create(path, &options, enclave);
    if (settings.pin)
        pin_to(settings.host_cpu);
    return result;
}

static cella_enclave_t *create_or_fail(const char *path, cella_backend_t backend, int64_t spin)
{
    cella_enclave_t *enclave = NULL;
    cella_result_t result = create_enclave(path, backend, spin, &enclave);

    if (result != CELLA_OK)
        fail("cannot create the enclave %s on the %s backend: %s", path,
             backend == CELLA_BACKEND_SIM ? "sim" : "sandbox", cella_result_str(result));
    return enclave;
}

struct calls {
    uint64_t id;
    uint64_t ocall_count;
    uint8_t *buffer;
    size_t buffer_size;
};

static void call_empty(void *context)
{
    const struct calls *calls = context;

    check(ecall_empty(calls->id), "ecall_empty");
}

static void call_ocalls(void *context)
{
    const struct calls *calls = context;
    uint64_t done = 0;

    check(ecall_ocalls(calls->id, &done, calls->ocall_count), "ecall_ocalls");
    if (done != calls->ocall_count)
        fail("ecall_ocalls made %llu of %llu OCALLs", (unsigned long long)done,
             (unsigned long long)calls->ocall_count);
}

static void call_buffer(void *context)
{
    const struct calls *calls = context;

    check(ecall_buffer(calls->id, calls->buffer, calls->buffer_size), "ecall_buffer");
}

/*
 * One OCALL round trip. An ECALL that makes N empty OCALLs costs one ECALL with its argument
 * and result plus N OCALLs; the same ECALL asked for 0 OCALLs costs the first part alone. Each
 * sample is (batch of ECALLs with N - equal batch with 0) / N, the two batches run back to
 * back, so the ECALL's own cost cancels out and only the OCALLs remain.
 */
static void measure_ocalls(struct bench_series *series, const struct calls *calls)
{
    struct calls with = *calls, without = *calls;

    with.ocall_count = OCALLS_PER_ECALL;
    without.ocall_count = 0;
    size_t iterations = calibrate(call_ocalls, &with);
    (void)calibrate(call_ocalls, &without);
    for (unsigned b = 0; b < settings.batches; b++) {
        double with_ns = time_batch(call_ocalls, &with, iterations);
        double without_ns = time_batch(call_ocalls, &without, iterations);
        bench_series_add(series, (with_ns - without_ns) / OCALLS_PER_ECALL);
    }
}

/* ---- 1 MiB in and out: the baseline copies the same bytes there and back ------------------- */

struct copy {
    uint8_t *buffer;
    uint8_t *other;
    size_t size;
};

static void copy_twice(void *context)
{
    const struct copy *copy = context;

    memcpy(copy->other, copy->buffer, copy->size);
    memcpy(copy->buffer, copy->other, copy->size);
    __asm__ __volatile__("" : : "r"(copy->buffer), "r"(copy->other) : "memory");
}

/* ---- creation --------------------------------------------------------------------------- */

struct hash {
    const uint8_t *data;
    size_t size;
};

static void hash_once(void *context)
{
    const struct hash *hash = context;
    uint8_t digest[EVP_MAX_MD_SIZE];
    unsigned int digest_size = 0;

    if (EVP_Digest(hash->data, hash->size, digest, &digest_size, EVP_sha256(), NULL) != 1)
        fail("SHA-256 failed");
}

static void spawn_true(void *context)
{
    int status = 0;
    pid_t child, reaped;

    (void)context;
    fflush(stdout);
    child = fork();
    if (child < 0)
        fail("fork: %s", strerror(errno));
    if (child == 0) {
        execl("/bin/true", "true", (char *)NULL);
        _exit(127);
    }
    do {
        reaped = waitpid(child, &status, 0);
    } while (reaped < 0 && errno == EINTR);
    if (reaped != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail("/bin/true ended badly (wait status %#x)", (unsigned)status);
}

/* Creation and destruction of the enclave at path, next to SHA-256 over the bytes its
 * measurement hashes (the work creation cannot avoid) and to starting a process. */
static void report_creation(const char *path, const char *name, double spawn_ns)
{
    struct bench_series total = {0}, create = {0}, destroy = {0}, hashing = {0};
    struct hash hash = {NULL, bench_measured_bytes(path)};
    uint8_t *data = calloc(1, hash.size);
    char what[96];

    if (data == NULL)
        fail("out of memory");
    hash.data = data;
    /* One creation first warms the page cache and the allocators. */
    cella_enclave_destroy(
        create_or_fail(path, CELLA_BACKEND_SANDBOX, CELLA_SPIN_DEFAULT_ITERATIONS));
    for (unsigned b = 0; b < settings.creation_batches; b++) {
        uint64_t start = bench_now_ns();
        cella_enclave_t *enclave =
            create_or_fail(path, CELLA_BACKEND_SANDBOX, CELLA_SPIN_DEFAULT_ITERATIONS);
        uint64_t created = bench_now_ns();
        cella_enclave_destroy(enclave);
        uint64_t end = bench_now_ns();
        bench_series_add(&create, (double)(created - start));
        bench_series_add(&destroy, (double)(end - created));
        bench_series_add(&total, (double)(end - start));
    }
    measure(&hashing, hash_once, &hash);
    free(data);

    double total_ns = bench_series_median(&total);
    snprintf(what, sizeof(what), "create+destroy, %s (%zu KiB hashed)", name, hash.size / 1024);
    bench_report(what, total_ns, "SHA-256 of the same bytes", bench_series_median(&hashing));
    snprintf(what, sizeof(what), "create+destroy, %s", name);
    bench_report(what, total_ns, "fork+exec+wait /bin/true", spawn_ns);
    printf("  of which create %.2f ms, destroy %.2f ms (medians)\n",
           bench_series_median(&create) / 1e6, bench_series_median(&destroy) / 1e6);
}

/* ---- the run ------------------------------------------------------------------------------ */

/* The figures, collected over all rounds. */
static struct results {
    struct bench_series spin_floor, futex_floor, work_floor, copy;
    struct bench_series work_sweep[SWEEP_LEVELS]; /* floor (a) with sweep_work_ns[i] per side */
    struct bench_series ecall_always, ecall_never, ecall_default;
    struct bench_series ocall_always, ocall_never, ocall_default;
    struct bench_series buffer_always;
    struct bench_series ecall_sim, ocall_sim, buffer_sim; /* the same calls without the boundary */
} results;

/* One enclave: its empty ECALLs and OCALLs, and the 1 MiB ECALL when buffers is not NULL. */
static void measure_enclave(cella_backend_t backend, int64_t spin, struct bench_series *ecalls,
                            struct bench_series *ocalls, struct bench_series *buffers,
                            uint8_t *buffer)
{
    cella_enclave_t *enclave = create_or_fail(BENCH_SMALL_ENCLAVE, backend, spin);
    struct calls calls = {cella_enclave_get_id(enclave), 0, buffer, BUFFER_BYTES};

    measure(ecalls, call_empty, &calls);
    if (ocalls != NULL)
        measure_ocalls(ocalls, &calls);
    if (buffers != NULL) {
        uint8_t first = buffer[0];
        measure(buffers, call_buffer, &calls);
        if (buffer[0] == first) /* the enclave adds 1 per call: the bytes made the trip */
            fail("the 1 MiB ECALL did not bring its buffer back");
    }
    cella_enclave_destroy(enclave);
}

static void run_round(uint8_t *buffer, uint8_t *other)
{
    struct copy copy = {buffer, other, BUFFER_BYTES};

    measure_floor(&results.spin_floor, false, 0);
    measure_floor(&results.futex_floor, true, 0);
    measure_floor(&results.work_floor, false, settings.floor_work);
    for (int i = 0; i < SWEEP_LEVELS; i++)
        measure_floor(&results.work_sweep[i], false, settings.sweep_work[i]);
    measure(&results.copy, copy_twice, &copy);
    measure_enclave(CELLA_BACKEND_SANDBOX, CELLA_SPIN_ALWAYS, &results.ecall_always,
                    &results.ocall_always, &results.buffer_always, buffer);
    measure_enclave(CELLA_BACKEND_SANDBOX, CELLA_SPIN_NEVER, &results.ecall_never,
                    &results.ocall_never, NULL, buffer);
    measure_enclave(CELLA_BACKEND_SANDBOX, CELLA_SPIN_DEFAULT_ITERATIONS, &results.ecall_default,
                    &results.ocall_default, NULL, buffer);
    measure_enclave(CELLA_BACKEND_SIM, CELLA_SPIN_DEFAULT, &results.ecall_sim, &results.ocall_sim,
                    &results.buffer_sim, buffer);
}

static void pause_step(void *context)
{
    (void)context;
    for (int i = 0; i < PAUSE_ITERATIONS; i++)
        cpu_relax();
}

/* The three spin modes of one kind of call; in_process: the same call on the sim backend. */
static void report_calls(const char *kind, struct bench_series *always, struct bench_series *never,
                         struct bench_series *spin_default, struct bench_series *in_process,
                         double spin_floor, double futex_floor)
{
    char what[64];
    double always_ns = bench_series_median(always), never_ns = bench_series_median(never);
    double in_process_ns = bench_series_median(in_process);

    snprintf(what, sizeof(what), "empty %s round trip, spin always", kind);
    bench_report(what, always_ns, "(a) shared-memory spin", spin_floor);
    bench_report_goal("under 1 µs and within 2x of floor (a)",
                      always_ns < 1000.0 && always_ns <= 2.0 * spin_floor);
    /* What the call costs without the boundary (bridges, runtime entry and exit): the part of
     * the figure above that floor (a) does not pay. */
    printf("  split: the same %s in process (sim backend) %.1f ns; floor (a) + that = %.1f ns\n",
           kind, in_process_ns, spin_floor + in_process_ns);
    snprintf(what, sizeof(what), "empty %s round trip, spin never", kind);
    bench_report(what, never_ns, "(b) futex", futex_floor);
    bench_report_goal("within 1.5x of floor (b)", never_ns <= 1.5 * futex_floor);
    snprintf(what, sizeof(what), "empty %s round trip, " SPIN_DEFAULT_LABEL, kind);
    bench_report(what, bench_series_median(spin_default), "(a) shared-memory spin", spin_floor);
}

static void usage(void)
{
    fprintf(stderr, "usage: bench_sandbox [--quick] [--no-pin]\n"
                    "  --quick   a short run (fewer, shorter batches)\n"
                    "  --no-pin  let the kernel place both sides (floors and enclaves alike) "
                    "instead of one CPU each\n");
}

int main(int argc, char **argv)
{
    uint8_t *buffer = NULL, *other = NULL;
    cella_enclave_t *probe = NULL;
    bool no_pin = false;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0) {
            settings.quick = true;
        } else if (strcmp(argv[i], "--no-pin") == 0) {
            no_pin = true;
        } else {
            usage();
            return 2;
        }
    }
    settings.rounds = settings.quick ? 1 : 5;
    settings.batches = settings.quick ? 7 : 9;
    settings.creation_batches = settings.quick ? 5 : 15;
    settings.batch_ns = settings.quick ? 5000000 : 20000000;

    printf("cella benchmark: the sandbox backend (the enclave in its own process) next to floors "
           "measured in this run\n");
    settings.pin = !no_pin && choose_cpus();
    if (settings.pin) {
        pin_to(settings.host_cpu);
        printf("CPU pinning: host side on CPU %d, other side (floor child, enclave process) on "
               "CPU %d, for floors and enclaves alike\n",
               settings.host_cpu, settings.other_cpu);
    } else {
        printf("CPU pinning: none, for floors and enclaves alike (the kernel places both "
               "sides%s)\n",
               no_pin ? "" : "; fewer than two CPUs to pin to");
    }

    /* Without the sandbox (no memfd_secret, seccomp...), there is nothing to measure. */
    cella_result_t result =
        create_enclave(BENCH_SMALL_ENCLAVE, CELLA_BACKEND_SANDBOX, CELLA_SPIN_NEVER, &probe);
    if (result == CELLA_ERR_UNSUPPORTED) {
        printf("sandbox backend: not available here (see cella detect); nothing measured\n");
        return 0;
    }
    if (result != CELLA_OK)
        fail("cannot create the enclave %s on the sandbox backend: %s", BENCH_SMALL_ENCLAVE,
             cella_result_str(result));
    cella_enclave_destroy(probe);

    struct bench_series pause = {0};
    measure(&pause, pause_step, NULL);
    double pause_ns = bench_series_median(&pause) / PAUSE_ITERATIONS;
    printf("one `pause`: %.1f ns, so the default spin budget (%d) waits about %.0f µs before "
           "sleeping\n",
           pause_ns, CELLA_SPIN_DEFAULT_ITERATIONS, pause_ns * CELLA_SPIN_DEFAULT_ITERATIONS / 1e3);
    /* Floor (c)'s work: half of an empty in-process ECALL on each side. */
    struct bench_series in_process = {0};
    measure_enclave(CELLA_BACKEND_SIM, CELLA_SPIN_DEFAULT, &in_process, NULL, NULL, NULL);
    settings.floor_work_ns = bench_series_median(&in_process) / 2;
    settings.floor_work = floor_work_iterations(settings.floor_work_ns);
    for (int i = 0; i < SWEEP_LEVELS; i++)
        settings.sweep_work[i] = floor_work_iterations(sweep_work_ns[i]);
    printf("floor (c) works %.1f ns on each side: half an empty in-process ECALL\n",
           settings.floor_work_ns);
    printf("each figure: the median of %u batches of about %.0f ms, over %u round%s of floors and "
           "enclaves\n\n",
           settings.rounds * settings.batches, (double)settings.batch_ns / 1e6, settings.rounds,
           settings.rounds > 1 ? "s" : "");

    buffer = malloc(BUFFER_BYTES);
    other = malloc(BUFFER_BYTES);
    if (buffer == NULL || other == NULL)
        fail("out of memory");
    for (size_t i = 0; i < BUFFER_BYTES; i++)
        buffer[i] = (uint8_t)(i * 131u);
    memset(other, 0, BUFFER_BYTES);
    for (unsigned r = 0; r < settings.rounds; r++)
        run_round(buffer, other);
    free(buffer);
    free(other);

    double spin_floor = bench_series_median(&results.spin_floor);
    double futex_floor = bench_series_median(&results.futex_floor);
    printf("floors, two processes and one shared page:\n");
    printf("  (a) shared-memory spin ping-pong round trip %10.1f ns\n", spin_floor);
    printf("  (b) futex ping-pong round trip              %10.1f ns\n", futex_floor);
    double work_floor = bench_series_median(&results.work_floor);
    printf("  (c) (a) with %.0f ns of work on each side    %10.1f ns: (a) + the work would be "
           "%.1f ns\n",
           settings.floor_work_ns, work_floor, spin_floor + 2 * settings.floor_work_ns);
    printf("floor (a) by the work each side does before it answers (the ping-pong alone):\n  "
           "%3.0f ns: %6.1f ns",
           0.0, spin_floor);
    int passes = -1; /* the first level at which the bare ping-pong exceeds 2x floor (a) */
    for (int i = 0; i < SWEEP_LEVELS; i++) {
        double round_trip = bench_series_median(&results.work_sweep[i]);
        if (passes < 0 && round_trip > 2.0 * spin_floor)
            passes = i;
        printf("%s%3.0f ns: %6.1f ns", i % 3 == 2 ? "\n  " : "   ", sweep_work_ns[i], round_trip);
    }
    double in_process_ns = bench_series_median(&results.ecall_sim);
    if (passes >= 0)
        printf("\n  the ping-pong alone passes 2x floor (a) at %.0f ns of work on each side",
               sweep_work_ns[passes]);
    else
        printf(
            "\n  the ping-pong alone stays within 2x floor (a) up to %.0f ns of work on each side",
            sweep_work_ns[SWEEP_LEVELS - 1]);
    printf("; an empty\n  ECALL does %.1f ns of work in process (sim backend), about %.0f ns "
           "per side\n\n",
           in_process_ns, in_process_ns / 2);

    report_calls("ECALL", &results.ecall_always, &results.ecall_never, &results.ecall_default,
                 &results.ecall_sim, spin_floor, futex_floor);
    bench_report("  the same spinning ECALL next to floor (c)",
                 bench_series_median(&results.ecall_always), "(c) (a) with the work", work_floor);
    printf("  (OCALL: per OCALL, from an ECALL making %d of them minus one making none)\n",
           OCALLS_PER_ECALL);
    report_calls("OCALL", &results.ocall_always, &results.ocall_never, &results.ocall_default,
                 &results.ocall_sim, spin_floor, futex_floor);

    double buffer_ns = bench_series_median(&results.buffer_always);
    double copy_ns = bench_series_median(&results.copy);
    bench_report_bandwidth("1 MiB [in, out] ECALL, spin always", 2.0 * BUFFER_BYTES, buffer_ns,
                           "memcpy of the bytes twice", copy_ns);
    bench_report_goal("at least half of memcpy's bandwidth", copy_ns >= 0.5 * buffer_ns);
    bench_report("  the same, as time per call", buffer_ns, "memcpy of the bytes twice", copy_ns);
    printf("  split: the same ECALL in process (sim backend) %.1f ns: the bridges' copies\n",
           bench_series_median(&results.buffer_sim));
    printf("\n");

    struct bench_series spawn = {0};
    measure(&spawn, spawn_true, NULL);
    double spawn_ns = bench_series_median(&spawn);
    report_creation(BENCH_SMALL_ENCLAVE, "small enclave", spawn_ns);
    report_creation(BENCH_LARGE_ENCLAVE, "256 MiB heap", spawn_ns);
    return 0;
}
