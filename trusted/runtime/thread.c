/* SPDX-License-Identifier: Apache-2.0 */
/* trusted/runtime/thread.c: sgx_thread mutexes and condition variables; threads wait outside. */

/* The runtime reaches the OCALL proxies weakly (tstdc.h), not through the header's check. */
#define CELLA_SGX_THREAD_NO_LINK_CHECK

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <cella/layout.h>
#include <sgx_thread.h>
#include <sgx_trts.h>

#include "../libc/hooks.h"
#include "trts.h"
#include "tstdc.h"

/*
 * Every object keeps its state in enclave memory under a spinlock held only for a few loads
 * and stores, never across an OCALL. A thread that must wait appends itself to the object's
 * queue (linked through trts_thread.wait_next of each queued thread, so queues need no
 * memory), drops the spinlock and sleeps in the host until a thread that changed the state
 * wakes it. The host decides nothing: each wake-up is only a hint, and the woken thread takes
 * the spinlock and looks again, so an early, late or repeated wake-up costs a loop, not
 * correctness.
 */

/* Waiters woken by one OCALL of sgx_thread_cond_broadcast; more take further OCALLs. */
#define WAKE_BATCH_COUNT 16

__attribute__((noreturn)) static void fail(const char *message)
{
    (void)cella_trts_print(message, strlen(message));
    cella_trts_abort();
}

/* ---- spinlock -------------------------------------------------------------------------------- */

static void spin_lock(uint32_t *lock)
{
    while (__atomic_exchange_n(lock, 1u, __ATOMIC_ACQUIRE) != 0) {
        /* Wait on plain loads, so spinning does not keep taking the cache line away. */
        while (__atomic_load_n(lock, __ATOMIC_RELAXED) != 0)
            __asm__ __volatile__("pause");
    }
}

static void spin_unlock(uint32_t *lock)
{
    __atomic_store_n(lock, 0u, __ATOMIC_RELEASE);
}

/* ---- threads and queues ---------------------------------------------------------------------- */

sgx_thread_t sgx_thread_self(void)
{
    /* The runtime's state sits right after the thread data that %fs points at. */
    return (sgx_thread_t)cella_trts_current() - CELLA_THREAD_DATA_BYTES;
}

int sgx_thread_equal(sgx_thread_t a, sgx_thread_t b)
{
    return a == b;
}

/*
 * The private state of a queued thread. Only this file writes queue entries, from
 * sgx_thread_self(), into objects inside the enclave: anything else means enclave code
 * overwrote an object that was in use, and following it would write through a stray pointer.
 */
static struct trts_thread *thread_state(sgx_thread_t thread)
{
    if (thread % CELLA_PAGE_BYTES != 0 ||
        !sgx_is_within_enclave((const void *)thread, CELLA_PAGE_BYTES))
        fail("sgx_thread: a mutex or condition variable was overwritten while in use\n");
    return (struct trts_thread *)(thread + CELLA_THREAD_DATA_BYTES);
}

static void queue_push(sgx_thread_queue_t *queue, sgx_thread_t thread)
{
    thread_state(thread)->wait_next = SGX_THREAD_T_NULL;
    if (queue->m_last == SGX_THREAD_T_NULL)
        queue->m_first = thread;
    else
        thread_state(queue->m_last)->wait_next = thread;
    queue->m_last = thread;
}

static sgx_thread_t queue_pop(sgx_thread_queue_t *queue)
{
    sgx_thread_t first = queue->m_first;

    if (first != SGX_THREAD_T_NULL) {
        struct trts_thread *state = thread_state(first);
        queue->m_first = state->wait_next;
        if (queue->m_first == SGX_THREAD_T_NULL)
            queue->m_last = SGX_THREAD_T_NULL;
        state->wait_next = SGX_THREAD_T_NULL;
    }
    return first;
}

static bool queue_contains(const sgx_thread_queue_t *queue, sgx_thread_t thread)
{
    for (sgx_thread_t t = queue->m_first; t != SGX_THREAD_T_NULL; t = thread_state(t)->wait_next) {
        if (t == thread)
            return true;
    }
    return false;
}

/* ---- sleeping and waking (the OCALLs of sgx_tstdc.edl) --------------------------------------- */

__attribute__((noreturn)) static void missing_edl_import(void)
{
    fail("sgx_thread: a thread has to wait or wake another, but the enclave's EDL does not "
         "import sgx_tstdc.edl (from \"sgx_tstdc.edl\" import *;)\n");
}

/*
 * The statuses are not checked: a failed OCALL looks like a spurious wake-up to the caller,
 * which re-checks and waits again; a lost wake-up can only stall threads, which a host can
 * always do.
 */
static void event_wait(sgx_thread_t self)
{
    int host_result = 0;

    if (sgx_thread_wait_untrusted_event_ocall == NULL)
        missing_edl_import();
    (void)sgx_thread_wait_untrusted_event_ocall(&host_result, (const void *)self);
}

static void event_set(sgx_thread_t waiter)
{
    int host_result = 0;

    if (sgx_thread_set_untrusted_event_ocall == NULL)
        missing_edl_import();
    (void)sgx_thread_set_untrusted_event_ocall(&host_result, (const void *)waiter);
}

static void event_set_and_wait(sgx_thread_t waiter, sgx_thread_t self)
{
    int host_result = 0;

    if (sgx_thread_setwait_untrusted_events_ocall == NULL)
        missing_edl_import();
    (void)sgx_thread_setwait_untrusted_events_ocall(&host_result, (const void *)waiter,
                                                    (const void *)self);
}

static void event_set_many(const void **waiters, size_t count)
{
    int host_result = 0;

    if (sgx_thread_set_multiple_untrusted_events_ocall == NULL)
        missing_edl_import();
    (void)sgx_thread_set_multiple_untrusted_events_ocall(&host_result, waiters, count);
}

/* ---- mutexes --------------------------------------------------------------------------------- */

/* In enclave memory (never the host's, which could rewrite the queue) and aligned. */
static bool object_valid(const void *object, size_t size, size_t alignment)
{
    return object != NULL && (uintptr_t)object % alignment == 0 &&
           sgx_is_within_enclave(object, size);
}

static bool mutex_valid(const sgx_thread_mutex_t *mutex)
{
    return object_valid(mutex, sizeof(*mutex), _Alignof(sgx_thread_mutex_t));
}

/* Under the mutex's spinlock: initialised and not destroyed. */
static bool mutex_kind_valid(const sgx_thread_mutex_t *mutex)
{
    return mutex->m_control == SGX_THREAD_MUTEX_NONRECURSIVE ||
           mutex->m_control == SGX_THREAD_MUTEX_RECURSIVE;
}

int sgx_thread_mutex_init(sgx_thread_mutex_t *mutex, const sgx_thread_mutexattr_t *unused)
{
    (void)unused;
    if (!mutex_valid(mutex))
        return EINVAL;
    mutex->m_refcount = 0;
    mutex->m_control = SGX_THREAD_MUTEX_NONRECURSIVE;
    mutex->m_owner = SGX_THREAD_T_NULL;
    mutex->m_queue.m_first = SGX_THREAD_T_NULL;
    mutex->m_queue.m_last = SGX_THREAD_T_NULL;
    __atomic_store_n(&mutex->m_lock, 0u, __ATOMIC_RELEASE);
    return 0;
}

int sgx_thread_mutex_destroy(sgx_thread_mutex_t *mutex)
{
    int result;

    if (!mutex_valid(mutex))
        return EINVAL;
    spin_lock(&mutex->m_lock);
    /* As in the SDK, destroying a destroyed (or zeroed) mutex again succeeds. */
    if (!mutex_kind_valid(mutex) && mutex->m_control != 0) {
        result = EINVAL;
    } else if (mutex->m_owner != SGX_THREAD_T_NULL || mutex->m_queue.m_first != SGX_THREAD_T_NULL) {
        result = EBUSY;
    } else {
        mutex->m_control = 0;
        result = 0;
    }
    spin_unlock(&mutex->m_lock);
    return result;
}

int sgx_thread_mutex_lock(sgx_thread_mutex_t *mutex)
{
    sgx_thread_t self = sgx_thread_self();

    if (!mutex_valid(mutex))
        return EINVAL;
    for (;;) {
        int result = -1; /* -1: wait and look again */

        spin_lock(&mutex->m_lock);
        if (!mutex_kind_valid(mutex)) {
            result = EINVAL;
        } else if (mutex->m_owner == self) {
            if (mutex->m_control == SGX_THREAD_MUTEX_RECURSIVE) {
                mutex->m_refcount++;
                result = 0;
            } else {
                result = EDEADLK;
            }
        } else if (mutex->m_owner == SGX_THREAD_T_NULL &&
                   (mutex->m_queue.m_first == SGX_THREAD_T_NULL ||
                    mutex->m_queue.m_first == self)) {
            /* Free, and no thread has waited longer: ownership follows the queue's order,
             * so a thread that just unlocked cannot take the mutex back from its waiters. */
            if (mutex->m_queue.m_first == self)
                (void)queue_pop(&mutex->m_queue);
            mutex->m_owner = self;
            mutex->m_refcount = 1;
            result = 0;
        } else if (!queue_contains(&mutex->m_queue, self)) {
            queue_push(&mutex->m_queue, self);
        }
        spin_unlock(&mutex->m_lock);
        if (result >= 0)
            return result;
        event_wait(self);
    }
}

int sgx_thread_mutex_trylock(sgx_thread_mutex_t *mutex)
{
    sgx_thread_t self = sgx_thread_self();
    int result;

    if (!mutex_valid(mutex))
        return EINVAL;
    spin_lock(&mutex->m_lock);
    if (!mutex_kind_valid(mutex)) {
        result = EINVAL;
    } else if (mutex->m_owner == self) {
        if (mutex->m_control == SGX_THREAD_MUTEX_RECURSIVE) {
            mutex->m_refcount++;
            result = 0;
        } else {
            result = EBUSY;
        }
    } else if (mutex->m_owner == SGX_THREAD_T_NULL && mutex->m_queue.m_first == SGX_THREAD_T_NULL) {
        mutex->m_owner = self;
        mutex->m_refcount = 1;
        result = 0;
    } else {
        result = EBUSY;
    }
    spin_unlock(&mutex->m_lock);
    return result;
}

int sgx_thread_mutex_unlock(sgx_thread_mutex_t *mutex)
{
    sgx_thread_t self = sgx_thread_self();
    sgx_thread_t next = SGX_THREAD_T_NULL;
    int result;

    if (!mutex_valid(mutex))
        return EINVAL;
    spin_lock(&mutex->m_lock);
    if (!mutex_kind_valid(mutex) || mutex->m_owner == SGX_THREAD_T_NULL) {
        result = EINVAL; /* the SDK's answer for a mutex nobody holds */
    } else if (mutex->m_owner != self) {
        result = EPERM;
    } else {
        if (--mutex->m_refcount == 0) {
            /* The first waiter stays queued: it takes the mutex when it wakes. */
            mutex->m_owner = SGX_THREAD_T_NULL;
            next = mutex->m_queue.m_first;
        }
        result = 0;
    }
    spin_unlock(&mutex->m_lock);
    if (next != SGX_THREAD_T_NULL)
        event_set(next);
    return result;
}

/* ---- condition variables --------------------------------------------------------------------- */

static bool cond_valid(const sgx_thread_cond_t *cond)
{
    return object_valid(cond, sizeof(*cond), _Alignof(sgx_thread_cond_t));
}

int sgx_thread_cond_init(sgx_thread_cond_t *cond, const sgx_thread_condattr_t *unused)
{
    (void)unused;
    if (!cond_valid(cond))
        return EINVAL;
    cond->m_queue.m_first = SGX_THREAD_T_NULL;
    cond->m_queue.m_last = SGX_THREAD_T_NULL;
    __atomic_store_n(&cond->m_lock, 0u, __ATOMIC_RELEASE);
    return 0;
}

int sgx_thread_cond_destroy(sgx_thread_cond_t *cond)
{
    bool busy;

    if (!cond_valid(cond))
        return EINVAL;
    spin_lock(&cond->m_lock);
    busy = cond->m_queue.m_first != SGX_THREAD_T_NULL;
    spin_unlock(&cond->m_lock);
    return busy ? EBUSY : 0;
}

int sgx_thread_cond_wait(sgx_thread_cond_t *cond, sgx_thread_mutex_t *mutex)
{
    sgx_thread_t self = sgx_thread_self();
    sgx_thread_t next_owner;
    size_t lock_count;
    int result;

    if (!cond_valid(cond) || !mutex_valid(mutex))
        return EINVAL;

    /* Lock order: the condition variable's spinlock, then the mutex's; never the reverse. */
    spin_lock(&cond->m_lock);
    spin_lock(&mutex->m_lock);
    if (!mutex_kind_valid(mutex) || mutex->m_owner == SGX_THREAD_T_NULL)
        result = EINVAL;
    else if (mutex->m_owner != self)
        result = EPERM;
    else
        result = 0;
    if (result != 0) {
        spin_unlock(&mutex->m_lock);
        spin_unlock(&cond->m_lock);
        return result;
    }
    /* Queued before the mutex is released: a signal sent by the next owner finds this thread. */
    queue_push(&cond->m_queue, self);
    lock_count = mutex->m_refcount;
    mutex->m_refcount = 0;
    mutex->m_owner = SGX_THREAD_T_NULL;
    next_owner = mutex->m_queue.m_first;
    spin_unlock(&mutex->m_lock);

    /* A signal or broadcast takes this thread off the queue; until then, wake-ups are hints. */
    do {
        spin_unlock(&cond->m_lock);
        if (next_owner != SGX_THREAD_T_NULL) {
            /* One trip out: hand the mutex to its first waiter, then sleep. */
            event_set_and_wait(next_owner, self);
            next_owner = SGX_THREAD_T_NULL;
        } else {
            event_wait(self);
        }
        spin_lock(&cond->m_lock);
    } while (queue_contains(&cond->m_queue, self));
    spin_unlock(&cond->m_lock);

    result = sgx_thread_mutex_lock(mutex);
    if (result == 0) {
        /* A recursive mutex gets back every lock the caller held. */
        spin_lock(&mutex->m_lock);
        mutex->m_refcount = lock_count;
        spin_unlock(&mutex->m_lock);
    }
    return result;
}

int sgx_thread_cond_signal(sgx_thread_cond_t *cond)
{
    sgx_thread_t waiter;

    if (!cond_valid(cond))
        return EINVAL;
    spin_lock(&cond->m_lock);
    waiter = queue_pop(&cond->m_queue);
    spin_unlock(&cond->m_lock);
    if (waiter != SGX_THREAD_T_NULL)
        event_set(waiter);
    return 0;
}

int sgx_thread_cond_broadcast(sgx_thread_cond_t *cond)
{
    sgx_thread_t last = SGX_THREAD_T_NULL;
    bool first_round = true;
    bool done;

    if (!cond_valid(cond))
        return EINVAL;
    /* The threads waiting now, up to `last`, in batches; later arrivals wait for the next. */
    do {
        const void *waiters[WAKE_BATCH_COUNT];
        size_t count = 0;

        spin_lock(&cond->m_lock);
        if (first_round)
            last = cond->m_queue.m_last;
        /* A signal between two rounds may have taken `last`, and with it all before it. */
        done = last == SGX_THREAD_T_NULL || !queue_contains(&cond->m_queue, last);
        while (!done && count < WAKE_BATCH_COUNT) {
            sgx_thread_t waiter = queue_pop(&cond->m_queue);
            waiters[count++] = (const void *)waiter;
            done = waiter == last;
        }
        spin_unlock(&cond->m_lock);
        first_round = false;
        if (count > 0)
            event_set_many(waiters, count);
    } while (!done);
    return 0;
}
