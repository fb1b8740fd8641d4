/* SPDX-License-Identifier: Apache-2.0 */
/* tests/enclave/thread/host.c: sgx_thread mutexes and condition variables across threads. */
#define _GNU_SOURCE
#include <cpuid.h>
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <cella/log.h>
#include <sgx_urts.h>

#include "no_import_u.h"
#include "thread_u.h"

#define COUNTING_THREADS      4 /* = TCSNum */
#define INCREMENTS_PER_THREAD 10000
#define GATE_THREADS          3 /* one TCS stays free for the thread that opens the gate */

static sgx_enclave_id_t enclave_id;

/* ---- threads that make one ECALL each ------------------------------------------------------- */

/* cmocka's assertions work only on the test's own thread: background threads record what
 * happened, and the test checks it after joining them. */

struct background {
    pthread_t thread;
    void (*run)(struct background *self);
    int which;
    int count;
    sgx_status_t status;
    int result;
    int64_t sum;
    int results[2];
};

static void *background_main(void *argument)
{
    struct background *background = argument;
    background->run(background);
    return NULL;
}

static void background_start(struct background *background, void (*run)(struct background *))
{
    background->run = run;
    background->status = SGX_ERROR_UNEXPECTED;
    background->result = -1;
    assert_int_equal(pthread_create(&background->thread, NULL, background_main, background), 0);
}

static void background_join(struct background *background)
{
    assert_int_equal(pthread_join(background->thread, NULL), 0);
}

/* Polls the enclave until it reports what the test waits for (a thread has gone to sleep). */
static void pause_briefly(void)
{
    struct timespec pause = {0, 1000000};
    nanosleep(&pause, NULL);
}

static void wait_until(sgx_status_t (*probe)(sgx_enclave_id_t, int *), int expected)
{
    for (;;) {
        int value = -1;
        assert_int_equal(probe(enclave_id, &value), SGX_SUCCESS);
        if (value == expected)
            return;
        pause_briefly();
    }
}

static void wait_until_mutex_has_waiters(int which)
{
    for (;;) {
        int waiting = 0;
        assert_int_equal(ecall_mutex_has_waiters(enclave_id, &waiting, which), SGX_SUCCESS);
        if (waiting)
            return;
        pause_briefly();
    }
}

/* ---- holding a mutex on another enclave thread ---------------------------------------------- */

/* ecall_hold locks a mutex and calls ocall_holding, which keeps that enclave thread (and its
 * TCS) busy until the test lets go: any ECALL the test makes meanwhile runs on another TCS,
 * that is, as another enclave thread. */

static pthread_mutex_t hold_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t hold_changed = PTHREAD_COND_INITIALIZER;
static bool hold_active;
static bool hold_release;
static bool hold_done;
static uint64_t holder_self;

void ocall_holding(uint64_t self)
{
    pthread_mutex_lock(&hold_lock);
    holder_self = self;
    hold_active = true;
    pthread_cond_broadcast(&hold_changed);
    while (!hold_release)
        pthread_cond_wait(&hold_changed, &hold_lock);
    hold_release = false;
    hold_active = false;
    pthread_mutex_unlock(&hold_lock);
}

static void run_hold(struct background *background)
{
    background->status =
        ecall_hold(enclave_id, &background->result, background->which, background->count);
    pthread_mutex_lock(&hold_lock);
    hold_done = true;
    pthread_cond_broadcast(&hold_changed);
    pthread_mutex_unlock(&hold_lock);
}

static void hold_start(struct background *holder, int which, int times)
{
    bool active;

    pthread_mutex_lock(&hold_lock);
    hold_active = hold_release = hold_done = false;
    pthread_mutex_unlock(&hold_lock);
    holder->which = which;
    holder->count = times;
    background_start(holder, run_hold);
    pthread_mutex_lock(&hold_lock);
    while (!hold_active && !hold_done)
        pthread_cond_wait(&hold_changed, &hold_lock);
    active = hold_active;
    pthread_mutex_unlock(&hold_lock);
    assert_true(active);
}

static void hold_finish(struct background *holder)
{
    pthread_mutex_lock(&hold_lock);
    hold_release = true;
    pthread_cond_broadcast(&hold_changed);
    pthread_mutex_unlock(&hold_lock);
    background_join(holder);
    assert_int_equal(holder->status, SGX_SUCCESS);
    assert_int_equal(holder->result, 0);
}

static void run_sequence(struct background *background, const int *ops, size_t count)
{
    background->status =
        ecall_mutex_sequence(enclave_id, background->which, ops, background->results, count);
}

static void run_lock_then_unlock(struct background *background)
{
    static const int ops[] = {OP_LOCK, OP_UNLOCK};
    run_sequence(background, ops, 2);
}

/* ---- the counter ----------------------------------------------------------------------------- */

static pthread_barrier_t counting_start;

static void run_increments(struct background *background)
{
    /* All threads start together, so their ECALLs overlap from the first one. */
    pthread_barrier_wait(&counting_start);
    background->status = SGX_SUCCESS;
    for (int i = 0; i < INCREMENTS_PER_THREAD && background->status == SGX_SUCCESS; i++)
        background->status = ecall_increment(enclave_id);
}

static void four_threads_incrementing_a_counter_under_a_mutex_lose_no_update(void **state)
{
    (void)state;
    struct background threads[COUNTING_THREADS];
    uint64_t before = 0, after = 0;

    assert_int_equal(ecall_counter(enclave_id, &before), SGX_SUCCESS);
    assert_int_equal(pthread_barrier_init(&counting_start, NULL, COUNTING_THREADS), 0);
    for (size_t i = 0; i < COUNTING_THREADS; i++)
        background_start(&threads[i], run_increments);
    for (size_t i = 0; i < COUNTING_THREADS; i++)
        background_join(&threads[i]);
    assert_int_equal(pthread_barrier_destroy(&counting_start), 0);
    for (size_t i = 0; i < COUNTING_THREADS; i++)
        assert_int_equal(threads[i].status, SGX_SUCCESS);
    assert_int_equal(ecall_counter(enclave_id, &after), SGX_SUCCESS);
    assert_int_equal(after - before, (uint64_t)COUNTING_THREADS * INCREMENTS_PER_THREAD);
}

/* ---- the queue ------------------------------------------------------------------------------- */

static void run_consume(struct background *background)
{
    background->status =
        ecall_consume(enclave_id, &background->result, background->count, &background->sum);
}

static void run_produce(struct background *background)
{
    background->status = ecall_produce(enclave_id, background->which, background->count);
}

static void a_consumer_waiting_on_an_empty_queue_wakes_when_a_producer_signals(void **state)
{
    (void)state;
    struct background consumer = {.count = 1};

    background_start(&consumer, run_consume);
    /* The consumer is inside sgx_thread_cond_wait: it counts itself under the mutex, which
     * only the wait gives up. */
    wait_until(ecall_consumers_waiting, 1);
    assert_int_equal(ecall_produce(enclave_id, 42, 1), SGX_SUCCESS);
    background_join(&consumer);
    assert_int_equal(consumer.status, SGX_SUCCESS);
    assert_int_equal(consumer.result, 1);
    assert_int_equal(consumer.sum, 42);
}

static void a_producer_and_a_consumer_pass_a_thousand_items_through_a_small_queue(void **state)
{
    (void)state;
    struct background consumer = {.count = 1000};
    struct background producer = {.which = 1, .count = 1000};

    /* Four places for a thousand items: each side waits for the other many times. */
    background_start(&consumer, run_consume);
    background_start(&producer, run_produce);
    background_join(&producer);
    background_join(&consumer);
    assert_int_equal(producer.status, SGX_SUCCESS);
    assert_int_equal(consumer.status, SGX_SUCCESS);
    assert_int_equal(consumer.result, 1); /* in order */
    assert_int_equal(consumer.sum, 1000 * 1001 / 2);
}

/* ---- the gate -------------------------------------------------------------------------------- */

static void run_gate_wait(struct background *background)
{
    background->status = ecall_gate_wait(enclave_id, &background->result);
}

static void a_broadcast_wakes_every_thread_waiting_at_the_gate(void **state)
{
    (void)state;
    struct background waiters[GATE_THREADS];
    int result = -1;

    for (size_t i = 0; i < GATE_THREADS; i++)
        background_start(&waiters[i], run_gate_wait);
    wait_until(ecall_gate_waiting, GATE_THREADS);

    /* A condition variable that threads wait on cannot be destroyed. */
    assert_int_equal(ecall_gate_destroy(enclave_id, &result), SGX_SUCCESS);
    assert_int_equal(result, EBUSY);

    assert_int_equal(ecall_gate_open(enclave_id, &result), SGX_SUCCESS);
    assert_int_equal(result, 0);
    for (size_t i = 0; i < GATE_THREADS; i++) {
        background_join(&waiters[i]);
        assert_int_equal(waiters[i].status, SGX_SUCCESS);
        assert_int_equal(waiters[i].result, 0);
    }
    assert_int_equal(ecall_gate_waiting(enclave_id, &result), SGX_SUCCESS);
    assert_int_equal(result, 0);
    assert_int_equal(ecall_gate_destroy(enclave_id, &result), SGX_SUCCESS);
    assert_int_equal(result, 0);
    assert_int_equal(ecall_gate_reset(enclave_id, &result), SGX_SUCCESS);
    assert_int_equal(result, 0);
}

/* ---- mutex operations ------------------------------------------------------------------------ */

#define MAX_STEPS 12

struct sequence_case {
    const char *what;
    int which;
    size_t count;
    int ops[MAX_STEPS];
    int expected[MAX_STEPS];
};

static void mutex_operations_on_one_thread_return_the_documented_codes(void **state)
{
    (void)state;
    static const struct sequence_case cases[] = {
        {"trylock takes a free mutex and is busy on its own non-recursive one",
         TEST_MUTEX_PLAIN,
         5,
         {OP_TRYLOCK, OP_TRYLOCK, OP_LOCK, OP_UNLOCK, OP_UNLOCK},
         {0, EBUSY, EDEADLK, 0, EINVAL}},
        {"a recursive mutex is locked as often as it is unlocked",
         TEST_MUTEX_RECURSIVE,
         7,
         {OP_LOCK, OP_LOCK, OP_TRYLOCK, OP_UNLOCK, OP_UNLOCK, OP_UNLOCK, OP_UNLOCK},
         {0, 0, 0, 0, 0, 0, EINVAL}},
        {"a locked mutex is not destroyed; a destroyed one is invalid until initialised, and "
         "destroying it again succeeds",
         TEST_MUTEX_SCRATCH,
         11,
         {OP_LOCK, OP_DESTROY, OP_UNLOCK, OP_DESTROY, OP_LOCK, OP_TRYLOCK, OP_UNLOCK, OP_DESTROY,
          OP_INIT, OP_LOCK, OP_UNLOCK},
         {0, EBUSY, 0, 0, EINVAL, EINVAL, EINVAL, 0, 0, 0, 0}},
        {"a mutex held by nobody cannot be unlocked",
         TEST_MUTEX_PLAIN,
         1,
         {OP_UNLOCK},
         {EINVAL}},
    };

    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        int results[MAX_STEPS];
        memset(results, 0x55, sizeof(results));
        assert_int_equal(
            ecall_mutex_sequence(enclave_id, cases[k].which, cases[k].ops, results, cases[k].count),
            SGX_SUCCESS);
        for (size_t i = 0; i < cases[k].count; i++) {
            if (results[i] != cases[k].expected[i])
                fail_msg("%s: step %zu returned %d, expected %d", cases[k].what, i, results[i],
                         cases[k].expected[i]);
        }
    }
}

static void a_mutex_another_thread_holds_is_busy_and_only_the_owner_may_unlock_it(void **state)
{
    (void)state;
    static const int ops[] = {OP_TRYLOCK, OP_UNLOCK, OP_DESTROY};
    static const int expected[] = {EBUSY, EPERM, EBUSY};
    static const struct {
        int which;
        int times;
    } held[] = {{TEST_MUTEX_PLAIN, 1}, {TEST_MUTEX_RECURSIVE, 2}};
    struct background holder = {0};

    for (size_t k = 0; k < sizeof(held) / sizeof(held[0]); k++) {
        int results[3] = {-1, -1, -1};
        hold_start(&holder, held[k].which, held[k].times);
        assert_int_equal(ecall_mutex_sequence(enclave_id, held[k].which, ops, results, 3),
                         SGX_SUCCESS);
        hold_finish(&holder);
        for (size_t i = 0; i < 3; i++)
            assert_int_equal(results[i], expected[i]);
    }
}

static void a_thread_waiting_for_a_mutex_gets_it_when_the_owner_unlocks(void **state)
{
    (void)state;
    struct background holder = {0};
    struct background locker = {.which = TEST_MUTEX_PLAIN};

    hold_start(&holder, TEST_MUTEX_PLAIN, 1);
    background_start(&locker, run_lock_then_unlock);
    wait_until_mutex_has_waiters(TEST_MUTEX_PLAIN); /* asleep in sgx_thread_mutex_lock */
    hold_finish(&holder);
    background_join(&locker);
    assert_int_equal(locker.status, SGX_SUCCESS);
    assert_int_equal(locker.results[0], 0);
    assert_int_equal(locker.results[1], 0);
}

static void run_recursive_wait(struct background *background)
{
    background->status = ecall_recursive_wait(enclave_id, &background->result);
}

static void a_recursive_mutex_is_released_completely_during_a_condition_wait(void **state)
{
    (void)state;
    struct background waiter = {0};
    int result = -1;

    background_start(&waiter, run_recursive_wait);
    /* Reading the flag takes the mutex: possible only if the waiter gave up both locks. */
    wait_until(ecall_recursive_waiting, 1);
    assert_int_equal(ecall_recursive_signal(enclave_id, &result), SGX_SUCCESS);
    assert_int_equal(result, 0);
    background_join(&waiter);
    assert_int_equal(waiter.status, SGX_SUCCESS);
    assert_int_equal(waiter.result, 0); /* and got both back */
}

static void invalid_objects_and_unowned_mutexes_are_refused(void **state)
{
    (void)state;
    static const struct {
        const char *what;
        int expected;
    } cases[] = {
        {"lock NULL", EINVAL},
        {"init NULL", EINVAL},
        {"init a misaligned mutex", EINVAL},
        {"lock a mutex that was never initialised", EINVAL},
        {"unlock a mutex nobody holds", EINVAL},
        {"init a NULL condition variable", EINVAL},
        {"signal NULL", EINVAL},
        {"broadcast NULL", EINVAL},
        {"wait with a NULL mutex", EINVAL},
        {"wait with a mutex nobody holds", EINVAL},
        {"destroy a condition variable nobody waits on", 0},
        {"destroy an unlocked mutex", 0},
    };
    int results[sizeof(cases) / sizeof(cases[0])];

    assert_int_equal(ecall_misuse(enclave_id, results, sizeof(results) / sizeof(results[0])),
                     SGX_SUCCESS);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (results[i] != cases[i].expected)
            fail_msg("%s: returned %d, expected %d", cases[i].what, results[i], cases[i].expected);
    }
}

static void a_mutex_in_host_memory_is_refused_and_left_untouched(void **state)
{
    (void)state;
    uint8_t memory[64], copy[64];
    int result = -1;

    const char *backend = getenv("CELLA_BACKEND");

    memset(memory, 0xaa, sizeof(memory));
    memcpy(copy, memory, sizeof(copy));
    if (backend != NULL && strcmp(backend, "sim") == 0) {
        assert_int_equal(ecall_mutex_init_at(enclave_id, &result, memory), SGX_SUCCESS);
        assert_int_equal(result, EINVAL);
    } else {
        /* The sandbox's bridge already refuses a [user_check] pointer outside the shared
         * region: this stack is not even mapped in the enclave process. */
        assert_int_equal(ecall_mutex_init_at(enclave_id, &result, memory),
                         SGX_ERROR_INVALID_PARAMETER);
    }
    assert_memory_equal(memory, copy, sizeof(memory));
}

static void each_enclave_thread_has_its_own_identity(void **state)
{
    (void)state;
    struct background holder = {0};
    uint64_t self = 0;

    hold_start(&holder, TEST_MUTEX_PLAIN, 1);
    assert_int_equal(ecall_self(enclave_id, &self), SGX_SUCCESS);
    hold_finish(&holder);
    assert_int_not_equal(self, 0); /* 0: sgx_thread_self or sgx_thread_equal misbehaved */
    assert_int_not_equal(holder_self, 0);
    assert_int_not_equal(self, holder_self); /* two TCSs at once */
    assert_int_equal(self % 4096, 0);        /* thread-data pages */
    assert_int_equal(holder_self % 4096, 0);
}

/* ---- CPUID and the host's events ------------------------------------------------------------- */

static void cpuid_from_the_enclave_runs_on_the_host(void **state)
{
    (void)state;
    int info[4] = {0, 0, 0, 0};
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;

    assert_int_equal(ecall_cpuid(enclave_id, 0, 0, info), SGX_SUCCESS);
    __cpuid_count(0, 0, eax, ebx, ecx, edx);
    assert_int_equal((unsigned)info[0], eax);
    assert_int_equal((unsigned)info[1], ebx); /* the vendor string */
    assert_int_equal((unsigned)info[2], ecx);
    assert_int_equal((unsigned)info[3], edx);
}

static void run_wait_on_key(struct background *background)
{
    background->result =
        sgx_thread_wait_untrusted_event_ocall((const void *)(uintptr_t)background->which);
}

static void a_host_event_set_before_the_wait_is_not_lost(void **state)
{
    (void)state;
    const void *first = (const void *)(uintptr_t)0x10000;
    const void *second = (const void *)(uintptr_t)0x20000;
    const void *both[] = {first, second};

    assert_int_equal(sgx_thread_set_untrusted_event_ocall(first), SGX_SUCCESS);
    assert_int_equal(sgx_thread_wait_untrusted_event_ocall(first), SGX_SUCCESS);

    assert_int_equal(sgx_thread_set_multiple_untrusted_events_ocall(both, 2), SGX_SUCCESS);
    assert_int_equal(sgx_thread_setwait_untrusted_events_ocall(first, second), SGX_SUCCESS);
    assert_int_equal(sgx_thread_wait_untrusted_event_ocall(first), SGX_SUCCESS);
}

static void a_host_event_wakes_a_thread_that_sleeps_on_it(void **state)
{
    (void)state;
    struct background sleeper = {.which = 0x30000};

    background_start(&sleeper, run_wait_on_key);
    assert_int_equal(sgx_thread_set_untrusted_event_ocall((const void *)(uintptr_t)0x30000),
                     SGX_SUCCESS);
    background_join(&sleeper);
    assert_int_equal(sleeper.result, SGX_SUCCESS);
}

static void host_events_refuse_null_threads(void **state)
{
    (void)state;
    const void *one_null[] = {(const void *)(uintptr_t)0x40000, NULL};

    assert_int_equal(sgx_thread_wait_untrusted_event_ocall(NULL), SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_thread_set_untrusted_event_ocall(NULL), SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_thread_setwait_untrusted_events_ocall(NULL, one_null[0]),
                     SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_thread_set_multiple_untrusted_events_ocall(NULL, 1),
                     SGX_ERROR_INVALID_PARAMETER);
    /* The valid entry is still set: the wait below returns at once. */
    assert_int_equal(sgx_thread_set_multiple_untrusted_events_ocall(one_null, 2),
                     SGX_ERROR_INVALID_PARAMETER);
    assert_int_equal(sgx_thread_wait_untrusted_event_ocall(one_null[0]), SGX_SUCCESS);
}

/*
 * Event keys are the enclave's to choose: sets for threads that never wait cannot make the
 * host allocate without end. Past the table's bound a set for a new key is refused; keys
 * already set still work, and waiting clears them again.
 */
static void host_events_are_bounded(void **state)
{
    (void)state;
    const uintptr_t first = 0x7f0000000000u;
    size_t accepted = 0;
    int status = SGX_SUCCESS;
    for (; accepted < 100000; accepted++) {
        status = sgx_thread_set_untrusted_event_ocall((const void *)(first + accepted * 4096));
        if (status != SGX_SUCCESS)
            break;
    }
    assert_int_equal(status, SGX_ERROR_OUT_OF_MEMORY);
    assert_true(accepted >= 1024 && accepted < 100000);
    assert_int_equal(sgx_thread_set_untrusted_event_ocall((const void *)first), SGX_SUCCESS);
    for (size_t i = 0; i < accepted; i++)
        assert_int_equal(sgx_thread_wait_untrusted_event_ocall((const void *)(first + i * 4096)),
                         SGX_SUCCESS);
    /* Emptied again: new keys are taken. */
    assert_int_equal(sgx_thread_set_untrusted_event_ocall((const void *)(first - 4096)),
                     SGX_SUCCESS);
    assert_int_equal(sgx_thread_wait_untrusted_event_ocall((const void *)(first - 4096)),
                     SGX_SUCCESS);
}

/*
 * An enclave that sets events for threads it does not have is refused past its own bound,
 * and does not take the room of another enclave's threads.
 */
static void one_enclaves_made_up_events_leave_room_for_another(void **state)
{
    (void)state;
    sgx_enclave_id_t flooding = 0;
    int taken = 0;
    assert_int_equal(
        sgx_create_enclave(CELLA_TEST_SIGNED_ENCLAVE, SGX_DEBUG_FLAG, NULL, NULL, &flooding, NULL),
        SGX_SUCCESS);
    for (int round = 0; round < 20; round++) {
        int more = 0;
        assert_int_equal(ecall_set_events_of_nobody(flooding, &more, round * 5000, 5000),
                         SGX_SUCCESS);
        taken += more;
    }
    assert_true(taken >= 1024 && taken < 20 * 5000);
    /* The other enclave still gets events (these stay set until it is destroyed). */
    assert_int_equal(ecall_set_events_of_nobody(enclave_id, &taken, 0, 10), SGX_SUCCESS);
    assert_int_equal(taken, 10);
    a_broadcast_wakes_every_thread_waiting_at_the_gate(NULL);
    assert_int_equal(sgx_destroy_enclave(flooding), SGX_SUCCESS);
}

static void a_thread_that_must_wait_crashes_an_enclave_without_the_sgx_tstdc_import(void **state)
{
    (void)state;
    sgx_enclave_id_t id = 0;
    int result = -1;

    assert_int_equal(
        sgx_create_enclave(CELLA_TEST_NO_IMPORT_ENCLAVE, SGX_DEBUG_FLAG, NULL, NULL, &id, NULL),
        SGX_SUCCESS);
    /* Never a silent hang or spin: the runtime says what is missing and stops the enclave. */
    assert_int_equal(ecall_wait_without_import(id, &result), SGX_ERROR_ENCLAVE_CRASHED);
    assert_int_equal(sgx_destroy_enclave(id), SGX_SUCCESS);
}

/* ---- harness --------------------------------------------------------------------------------- */

/*
 * Two enclaves whose threads have the same `self` values (two sandboxed instances of one
 * enclave without address randomisation: each process lays it out the same way) must not
 * share their host events: opening A's gate wakes A's waiter, not B's.
 */
static sgx_enclave_id_t other_id;
static volatile int other_waiter_done;

static void run_gate_wait_other(struct background *background)
{
    background->status = ecall_gate_wait(other_id, &background->result);
    other_waiter_done = 1;
}

static int same_selves(void)
{
    sgx_enclave_id_t b = 0;
    uint64_t self_a = 0, self_b = 0;
    int result = 0, waiting = 0;

    if (sgx_create_enclave(CELLA_TEST_SIGNED_ENCLAVE, SGX_DEBUG_FLAG, NULL, NULL, &enclave_id,
                           NULL) != SGX_SUCCESS ||
        sgx_create_enclave(CELLA_TEST_SIGNED_ENCLAVE, SGX_DEBUG_FLAG, NULL, NULL, &b, NULL) !=
            SGX_SUCCESS)
        return 1;
    other_id = b;
    if (ecall_self(enclave_id, &self_a) != SGX_SUCCESS || ecall_self(b, &self_b) != SGX_SUCCESS)
        return 2;
    if (self_a != self_b) {
        fprintf(stderr, "the two enclaves' threads differ (%#llx, %#llx): nothing to show\n",
                (unsigned long long)self_a, (unsigned long long)self_b);
        return 3;
    }
    /* B's waiter first, then A's; each asleep on its host event before the next step. */
    struct background waiter_b = {.run = run_gate_wait_other};
    struct background waiter_a = {.run = run_gate_wait};
    if (pthread_create(&waiter_b.thread, NULL, background_main, &waiter_b) != 0)
        return 4;
    for (int i = 0; i < 5000 && waiting == 0; i++) {
        pause_briefly();
        (void)ecall_gate_waiting(b, &waiting);
    }
    waiting = 0;
    if (pthread_create(&waiter_a.thread, NULL, background_main, &waiter_a) != 0)
        return 5;
    for (int i = 0; i < 5000 && waiting == 0; i++) {
        pause_briefly();
        (void)ecall_gate_waiting(enclave_id, &waiting);
    }
    if (ecall_gate_open(enclave_id, &result) != SGX_SUCCESS)
        return 6;
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 20;
    if (pthread_timedjoin_np(waiter_a.thread, NULL, &deadline) != 0) {
        fprintf(stderr, "A's waiter did not wake when A's gate opened\n");
        _exit(7); /* B's event took A's wake-up */
    }
    if (other_waiter_done)
        return 8; /* B's waiter woke although B's gate is closed */
    if (ecall_gate_open(b, &result) != SGX_SUCCESS || pthread_join(waiter_b.thread, NULL) != 0)
        return 9;
    (void)sgx_destroy_enclave(b);
    (void)sgx_destroy_enclave(enclave_id);
    return 0;
}

static void enclaves_with_the_same_thread_values_do_not_share_host_events(void **state)
{
    (void)state;
    /* Meaningful on the sandbox only (the sim maps both enclaves into this one process). */
    const char *backend = getenv("CELLA_BACKEND");
    if (backend != NULL && strcmp(backend, "sim") == 0)
        return;
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        char self[4096];
        ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
        if (n <= 0 || personality(ADDR_NO_RANDOMIZE) < 0)
            _exit(100);
        self[n] = '\0';
        char *argv[] = {self, (char *)(uintptr_t) "--same-selves", NULL};
        execv(self, argv);
        _exit(127);
    }
    int status = 0;
    assert_int_equal(waitpid(child, &status, 0), child);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

/*
 * A thread asleep on its host event while another thread crashes the enclave wakes: its
 * ECALL returns SGX_ERROR_ENCLAVE_CRASHED, and the enclave can be destroyed (the crash log
 * says to destroy it and create it again; destroy waits for calls in flight).
 */
static void a_crash_wakes_the_enclaves_sleeping_threads_so_it_can_be_destroyed(void **state)
{
    (void)state;
    /* Both ways an enclave crashes: abort() (test mutex 99 does not exist) and a fault. */
    for (int how = 0; how < 2; how++) {
        sgx_enclave_id_t crashing = 0;
        int waiting = 0, op = 1, result = 0;

        assert_int_equal(sgx_create_enclave(CELLA_TEST_SIGNED_ENCLAVE, SGX_DEBUG_FLAG, NULL, NULL,
                                            &crashing, NULL),
                         SGX_SUCCESS);
        other_id = crashing;
        other_waiter_done = 0;
        struct background waiter = {.run = run_gate_wait_other};
        waiter.status = SGX_ERROR_UNEXPECTED;
        assert_int_equal(pthread_create(&waiter.thread, NULL, background_main, &waiter), 0);
        for (int i = 0; i < 5000 && waiting == 0; i++) {
            pause_briefly();
            assert_int_equal(ecall_gate_waiting(crashing, &waiting), SGX_SUCCESS);
        }
        assert_int_equal(waiting, 1);
        /* The count rises just before the wait: give the waiter time to fall asleep on its
         * host event (if it has not, it finds the crash before it sleeps; fine too). */
        struct timespec settle = {0, 200 * 1000 * 1000};
        nanosleep(&settle, NULL);
        if (how == 0)
            assert_int_equal(ecall_mutex_sequence(crashing, 99, &op, &result, 1),
                             SGX_ERROR_ENCLAVE_CRASHED);
        else
            assert_int_equal(ecall_fault(crashing), SGX_ERROR_ENCLAVE_CRASHED);
        struct timespec deadline;
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_sec += 30;
        if (pthread_timedjoin_np(waiter.thread, NULL, &deadline) != 0)
            fail_msg("crash %d: the sleeping thread did not wake", how);
        assert_int_equal(waiter.status, SGX_ERROR_ENCLAVE_CRASHED);
        assert_int_equal(sgx_destroy_enclave(crashing), SGX_SUCCESS);
    }
}

static int create(void **state)
{
    (void)state;
    return sgx_create_enclave(CELLA_TEST_SIGNED_ENCLAVE, SGX_DEBUG_FLAG, NULL, NULL, &enclave_id,
                              NULL) == SGX_SUCCESS
               ? 0
               : -1;
}

static int destroy(void **state)
{
    (void)state;
    return sgx_destroy_enclave(enclave_id) == SGX_SUCCESS ? 0 : -1;
}

static void log_to_stderr(void *context, cella_log_level_t level, const char *message)
{
    (void)context;
    if (getenv("CELLA_TEST_LOG") != NULL)
        fprintf(stderr, "[%s] %s\n", cella_log_level_str(level), message);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(four_threads_incrementing_a_counter_under_a_mutex_lose_no_update),
        cmocka_unit_test(a_consumer_waiting_on_an_empty_queue_wakes_when_a_producer_signals),
        cmocka_unit_test(a_producer_and_a_consumer_pass_a_thousand_items_through_a_small_queue),
        cmocka_unit_test(a_broadcast_wakes_every_thread_waiting_at_the_gate),
        cmocka_unit_test(mutex_operations_on_one_thread_return_the_documented_codes),
        cmocka_unit_test(a_mutex_another_thread_holds_is_busy_and_only_the_owner_may_unlock_it),
        cmocka_unit_test(a_thread_waiting_for_a_mutex_gets_it_when_the_owner_unlocks),
        cmocka_unit_test(a_recursive_mutex_is_released_completely_during_a_condition_wait),
        cmocka_unit_test(invalid_objects_and_unowned_mutexes_are_refused),
        cmocka_unit_test(a_mutex_in_host_memory_is_refused_and_left_untouched),
        cmocka_unit_test(each_enclave_thread_has_its_own_identity),
        cmocka_unit_test(cpuid_from_the_enclave_runs_on_the_host),
        cmocka_unit_test(a_host_event_set_before_the_wait_is_not_lost),
        cmocka_unit_test(a_host_event_wakes_a_thread_that_sleeps_on_it),
        cmocka_unit_test(host_events_refuse_null_threads),
        cmocka_unit_test(host_events_are_bounded),
        cmocka_unit_test(one_enclaves_made_up_events_leave_room_for_another),
        cmocka_unit_test(enclaves_with_the_same_thread_values_do_not_share_host_events),
        cmocka_unit_test(a_thread_that_must_wait_crashes_an_enclave_without_the_sgx_tstdc_import),
        cmocka_unit_test(a_crash_wakes_the_enclaves_sleeping_threads_so_it_can_be_destroyed),
    };
    cella_log_set_handler(log_to_stderr, NULL);
    if (argc == 2 && strcmp(argv[1], "--same-selves") == 0)
        return same_selves();
    return cmocka_run_group_tests(tests, create, destroy);
}
