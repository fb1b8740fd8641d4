/* SPDX-License-Identifier: Apache-2.0 */
/* host/tstdc.c: the OCALLs of sgx_tstdc.edl: CPUID, and the events enclave threads sleep on. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>

#include <unistd.h>

#include <sgx_error.h>

#include "../common/log_internal.h"
#include "enclave.h"
#include "tstdc.h"

/*
 * One event per waiting enclave thread, found by its enclave and the thread's `self` value in
 * a small hash table: two enclaves (each in its own process on the sandbox) may well use the
 * same `self` values, and one enclave must not wake or take another's events. The values come
 * from the enclave and are never dereferenced here: they are only keys.
 * An event's word is 1 while set; a waiter sleeps on it with FUTEX_WAIT. An entry lives while
 * someone uses it or while it is set (a set must outlast the setter until the wait comes), so
 * the table holds at most one entry per enclave thread that waits or is about to. Keys are
 * the enclave's to choose, so the table is bounded, per enclave (EVENTS_PER_ENCLAVE) and in
 * all (EVENTS_MAX): an enclave that sets events for threads it does not have cannot make the
 * host allocate without end, nor take the room of other enclaves' threads; an enclave's
 * entries go with it when it is destroyed.
 *
 * When an enclave crashes or is lost, its threads that sleep here are woken (the word
 * becomes EVENT_ENDED) and their OCALLs return: nothing is left inside it, so destroying it
 * does not wait for ever.
 */

/* Enclaves have tens of threads, not thousands. */
#define BUCKET_BITS  8
#define BUCKET_COUNT (1u << BUCKET_BITS)
#define EVENTS_PER_ENCLAVE 4096 /* an enclave has one TCS per thread, rarely 100 */
#define EVENTS_MAX         65536
#define EVENT_SET    1u
#define EVENT_ENDED  2u

struct event {
    struct event *next; /* in its bucket */
    uint64_t enclave;   /* the id of the enclave whose OCALL made it */
    const void *key;    /* the enclave thread's self value */
    unsigned users;     /* threads between event_get and event_put; under table_lock */
    unsigned *counter;  /* the count of its enclave's entries; under table_lock */
    uint32_t word;      /* 0, EVENT_SET or EVENT_ENDED; atomic, the futex word */
};

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static struct event *buckets[BUCKET_COUNT];
static size_t event_count;     /* under table_lock */
static unsigned outside_events; /* of calls made outside any ECALL; under table_lock */
static bool table_full_logged;

static size_t bucket_of(uint64_t enclave, const void *key)
{
    /* Thread-data addresses are page aligned: a multiplicative hash spreads the high bits. */
    uint64_t hash = ((uint64_t)(uintptr_t)key ^ enclave) * UINT64_C(0x9e3779b97f4a7c15);
    return (size_t)(hash >> (64 - BUCKET_BITS));
}

/* The enclave whose OCALL this thread serves (NULL outside an OCALL). */
static struct cella_enclave *calling(void)
{
    struct host_call *call = cella_host_current_call();
    return call != NULL ? call->enclave : NULL;
}

/* SGX_ERROR_ENCLAVE_CRASHED or _LOST once the calling enclave is either; else SGX_SUCCESS. */
static int calling_enclave_ended(void)
{
    struct cella_enclave *e = calling();
    if (e == NULL)
        return SGX_SUCCESS;
    if (atomic_load(&e->crashed))
        return SGX_ERROR_ENCLAVE_CRASHED;
    if (atomic_load(&e->lost))
        return SGX_ERROR_ENCLAVE_LOST;
    return SGX_SUCCESS;
}

/* The event of key, created clear if there is none; NULL when out of memory. */
static struct event *event_get(const void *key)
{
    struct cella_enclave *e = calling();
    uint64_t enclave = e != NULL ? e->id : 0;
    unsigned *counter = e != NULL ? &e->host_events : &outside_events;
    size_t bucket = bucket_of(enclave, key);
    struct event *event;

    pthread_mutex_lock(&table_lock);
    for (event = buckets[bucket]; event != NULL; event = event->next) {
        if (event->enclave == enclave && event->key == key)
            break;
    }
    if (event == NULL && (*counter >= EVENTS_PER_ENCLAVE || event_count >= EVENTS_MAX)) {
        if (!table_full_logged)
            cella_log(CELLA_LOG_ERROR,
                      "enclave %#llx: more than %d of its threads have events at once; "
                      "sgx_thread events for threads the enclave does not have are refused",
                      (unsigned long long)enclave,
                      *counter >= EVENTS_PER_ENCLAVE ? EVENTS_PER_ENCLAVE : EVENTS_MAX);
        table_full_logged = true;
    } else if (event == NULL) {
        event = calloc(1, sizeof(*event));
        if (event != NULL) {
            event->enclave = enclave;
            event->key = key;
            event->counter = counter;
            event->next = buckets[bucket];
            buckets[bucket] = event;
            event_count++;
            (*counter)++;
        }
    }
    if (event != NULL)
        event->users++;
    pthread_mutex_unlock(&table_lock);
    return event;
}

/* Unlinks and frees an event; under table_lock. */
static void event_remove(struct event *event)
{
    struct event **link = &buckets[bucket_of(event->enclave, event->key)];
    while (*link != event)
        link = &(*link)->next;
    *link = event->next;
    event_count--;
    (*event->counter)--;
    free(event);
}

/* Done with an event: the last user frees it unless it is set (a wait may still come). */
static void event_put(struct event *event)
{
    pthread_mutex_lock(&table_lock);
    if (--event->users == 0 && __atomic_load_n(&event->word, __ATOMIC_ACQUIRE) != EVENT_SET)
        event_remove(event);
    pthread_mutex_unlock(&table_lock);
}

/* A fork copies the table as it stands between two changes: the child can use it. */
static void lock_table_for_fork(void)
{
    pthread_mutex_lock(&table_lock);
}

static void unlock_table_after_fork(void)
{
    pthread_mutex_unlock(&table_lock);
}

void cella_host_events_watch_forks(void)
{
    (void)pthread_atfork(lock_table_for_fork, unlock_table_after_fork, unlock_table_after_fork);
}

void cella_host_events_end(uint64_t enclave)
{
    pthread_mutex_lock(&table_lock);
    for (size_t b = 0; b < BUCKET_COUNT; b++) {
        for (struct event *event = buckets[b]; event != NULL; event = event->next) {
            if (event->enclave != enclave)
                continue;
            __atomic_store_n(&event->word, EVENT_ENDED, __ATOMIC_RELEASE);
            (void)syscall(SYS_futex, &event->word, FUTEX_WAKE_PRIVATE, INT32_MAX, NULL, NULL, 0);
        }
    }
    pthread_mutex_unlock(&table_lock);
}

void cella_host_events_forget(uint64_t enclave)
{
    pthread_mutex_lock(&table_lock);
    for (size_t b = 0; b < BUCKET_COUNT; b++) {
        struct event *next;
        for (struct event *event = buckets[b]; event != NULL; event = next) {
            next = event->next;
            if (event->enclave == enclave && event->users == 0)
                event_remove(event);
        }
    }
    pthread_mutex_unlock(&table_lock);
}

static int event_set(const void *key)
{
    struct event *event = event_get(key);

    if (event == NULL)
        return SGX_ERROR_OUT_OF_MEMORY;
    uint32_t clear = 0;
    (void)__atomic_compare_exchange_n(&event->word, &clear, EVENT_SET, false, __ATOMIC_RELEASE,
                                      __ATOMIC_RELAXED); /* an ended event stays ended */
    /* One waiter at most: an enclave thread waits only for itself. */
    (void)syscall(SYS_futex, &event->word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
    event_put(event);
    return SGX_SUCCESS;
}

static int event_wait(const void *key)
{
    struct event *event = event_get(key);
    int result = SGX_SUCCESS;

    if (event == NULL)
        return SGX_ERROR_OUT_OF_MEMORY;
    for (;;) {
        /* Checked with the event in the table: an end after this finds it and wakes it. */
        result = calling_enclave_ended();
        if (result != SGX_SUCCESS)
            break;
        uint32_t set = EVENT_SET;
        if (__atomic_compare_exchange_n(&event->word, &set, 0u, false, __ATOMIC_ACQUIRE,
                                        __ATOMIC_RELAXED))
            break;
        if (set == EVENT_ENDED) {
            result = SGX_ERROR_ENCLAVE_CRASHED;
            break;
        }
        /* Sleeps only while the word is still 0; a set in between makes this return EAGAIN. */
        if (syscall(SYS_futex, &event->word, FUTEX_WAIT_PRIVATE, 0u, NULL, NULL, 0) != 0 &&
            errno != EAGAIN && errno != EINTR) {
            result = SGX_ERROR_UNEXPECTED;
            break;
        }
    }
    event_put(event);
    return result;
}

int sgx_thread_wait_untrusted_event_ocall(const void *self)
{
    if (self == NULL)
        return SGX_ERROR_INVALID_PARAMETER;
    return event_wait(self);
}

int sgx_thread_set_untrusted_event_ocall(const void *waiter)
{
    if (waiter == NULL)
        return SGX_ERROR_INVALID_PARAMETER;
    return event_set(waiter);
}

int sgx_thread_setwait_untrusted_events_ocall(const void *waiter, const void *self)
{
    if (waiter == NULL || self == NULL)
        return SGX_ERROR_INVALID_PARAMETER;
    int result = event_set(waiter);
    if (result != SGX_SUCCESS)
        return result;
    return event_wait(self);
}

int sgx_thread_set_multiple_untrusted_events_ocall(const void **waiters, size_t total)
{
    int result = SGX_SUCCESS;

    if (waiters == NULL)
        return SGX_ERROR_INVALID_PARAMETER;
    /* Every valid entry is set even if another is not, so no thread misses its wake-up. */
    for (size_t i = 0; i < total; i++) {
        int one = waiters[i] != NULL ? event_set(waiters[i]) : SGX_ERROR_INVALID_PARAMETER;
        if (one != SGX_SUCCESS)
            result = one;
    }
    return result;
}

void sgx_oc_cpuidex(int cpuinfo[4], int leaf, int subleaf)
{
    uint32_t eax, ebx, ecx, edx;

    if (cpuinfo == NULL)
        return;
    __asm__ __volatile__("cpuid"
                         : "=a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx)
                         : "a"((uint32_t)leaf), "c"((uint32_t)subleaf));
    cpuinfo[0] = (int)eax;
    cpuinfo[1] = (int)ebx;
    cpuinfo[2] = (int)ecx;
    cpuinfo[3] = (int)edx;
}
