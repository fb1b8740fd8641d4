/* SPDX-License-Identifier: Apache-2.0 */
/* sgx/sgx_thread.h: mutexes and condition variables for enclave threads (the SGX SDK's API). */
#ifndef CELLA_SGX_THREAD_H
#define CELLA_SGX_THREAD_H

#include <stddef.h>
#include <stdint.h>

#include "sgx_defs.h"
#include "sgx_error.h"

CELLA_EXTERN_C_BEGIN

/*
 * Synchronisation between the host threads that run inside one enclave (each on its own TCS).
 * Names, types, initialisers and return values are the SGX SDK's; the functions return 0 or
 * an errno value (EINVAL, EBUSY, EPERM, EDEADLK from <errno.h>).
 *
 * How waiting works: the state of every mutex and condition variable lives in enclave memory
 * and is guarded by a spinlock in the object itself. A thread that has to wait puts itself on
 * the object's queue and leaves the enclave through the OCALL
 * sgx_thread_wait_untrusted_event_ocall(self); the thread that releases it calls
 * sgx_thread_set_untrusted_event_ocall(waiter) (or the setwait / set_multiple variants). The
 * host only sleeps and wakes threads: every decision is taken inside the enclave, and a woken
 * thread checks the state again before it goes on, so a host that wakes a thread early or
 * twice cannot break mutual exclusion (a host that never wakes it can stall it, as it can any
 * enclave thread).
 *
 * Those OCALLs must be in the enclave's EDL:
 *
 *     enclave {
 *         from "sgx_tstdc.edl" import *;
 *         ...
 *     };
 *
 * Without the import, linking an enclave that includes this header fails:
 *
 *     enc.o:(.data.rel.ro.sgx_thread_h_needs_the_edl_to_import_sgx_tstdc_edl+0x0):
 *         undefined reference to `sgx_thread_wait_untrusted_event_ocall'
 *
 * cella's host runtime (libcella_host, libsgx_urts) implements the host side of the OCALLs.
 * Code that includes this header only for its types may define CELLA_SGX_THREAD_NO_LINK_CHECK
 * first; if such an enclave lacks the import, the first thread that has to wait or wake
 * another prints why and crashes the enclave.
 *
 * The objects must live in enclave memory (globals, heap or stack of the enclave): a pointer
 * outside the enclave, or misaligned for its type, is EINVAL, since the host could otherwise
 * rewrite the queues. An object may be used by any number of enclave threads at once.
 */

/*
 * An enclave thread: the address of its thread-data page (one per TCS, the page %fs points
 * at). 0 is no thread. Values are meaningful inside one enclave only.
 */
typedef uintptr_t sgx_thread_t;

#define SGX_THREAD_T_NULL ((sgx_thread_t)0)

/* Threads waiting for an object, first to last; linked through each thread's private state. */
typedef struct sgx_thread_queue {
    sgx_thread_t m_first;
    sgx_thread_t m_last;
} sgx_thread_queue_t;

/* m_control of a mutex: the kind, or 0 when it is not (or no longer) initialised. */
#define SGX_THREAD_MUTEX_NONRECURSIVE 0x01
#define SGX_THREAD_MUTEX_RECURSIVE    0x02

/*
 * A mutex. The layout is the SDK's (40 bytes on x86-64); the fields are the implementation's,
 * and code should use only the functions and initialisers below.
 */
typedef struct sgx_thread_mutex {
    size_t m_refcount;          /* times the owner has locked it (more than 1 only if recursive) */
    uint32_t m_control;         /* SGX_THREAD_MUTEX_*; 0 after destroy */
    uint32_t m_lock;            /* the spinlock that guards every field */
    sgx_thread_t m_owner;       /* SGX_THREAD_T_NULL when unlocked */
    sgx_thread_queue_t m_queue; /* threads waiting to lock it */
} sgx_thread_mutex_t;

CELLA_STATIC_ASSERT(sizeof(sgx_thread_mutex_t) == 16 + 3 * sizeof(sgx_thread_t),
                    "sgx_thread_mutex_t has the SDK's layout");

#define SGX_THREAD_NONRECURSIVE_MUTEX_INITIALIZER               \
    {                                                           \
        0, SGX_THREAD_MUTEX_NONRECURSIVE, 0, SGX_THREAD_T_NULL, \
        {                                                       \
            SGX_THREAD_T_NULL, SGX_THREAD_T_NULL                \
        }                                                       \
    }
#define SGX_THREAD_RECURSIVE_MUTEX_INITIALIZER               \
    {                                                        \
        0, SGX_THREAD_MUTEX_RECURSIVE, 0, SGX_THREAD_T_NULL, \
        {                                                    \
            SGX_THREAD_T_NULL, SGX_THREAD_T_NULL             \
        }                                                    \
    }
#define SGX_THREAD_MUTEX_INITIALIZER SGX_THREAD_NONRECURSIVE_MUTEX_INITIALIZER

/* Mutex attributes: none exist (as in the SDK); sgx_thread_mutex_init ignores them. */
typedef struct sgx_thread_mutexattr {
    unsigned char m_dummy;
} sgx_thread_mutexattr_t;

/* A condition variable (24 bytes on x86-64, the SDK's layout). */
typedef struct sgx_thread_cond {
    uint32_t m_lock;            /* the spinlock that guards m_queue */
    sgx_thread_queue_t m_queue; /* threads waiting for a signal */
} sgx_thread_cond_t;

CELLA_STATIC_ASSERT(sizeof(sgx_thread_cond_t) == 3 * sizeof(sgx_thread_t),
                    "sgx_thread_cond_t has the SDK's layout");

#define SGX_THREAD_COND_INITIALIZER              \
    {                                            \
        0,                                       \
        {                                        \
            SGX_THREAD_T_NULL, SGX_THREAD_T_NULL \
        }                                        \
    }

/* Condition variable attributes: none exist; sgx_thread_cond_init ignores them. */
typedef struct sgx_thread_condattr {
    unsigned char m_dummy;
} sgx_thread_condattr_t;

/*
 * Initialises mutex as an unlocked non-recursive mutex (a recursive one comes only from
 * SGX_THREAD_RECURSIVE_MUTEX_INITIALIZER, as in the SDK). unused may be NULL.
 * Returns 0; EINVAL if mutex is NULL, misaligned or not inside the enclave.
 * Must not be called on a mutex other threads may be using.
 */
int sgx_thread_mutex_init(sgx_thread_mutex_t *mutex, const sgx_thread_mutexattr_t *unused);

/*
 * Marks an unlocked mutex with no waiters as destroyed; later calls on it return EINVAL
 * until it is initialised again. Returns 0; EINVAL if mutex is NULL, misaligned, outside the
 * enclave or not initialised; EBUSY if it is locked (by any thread) or a thread waits for it.
 */
int sgx_thread_mutex_destroy(sgx_thread_mutex_t *mutex);

/*
 * Locks mutex, waiting (outside the enclave) while another thread owns it. A recursive mutex
 * the caller already owns is locked once more. Waiting threads get the mutex in the order
 * they started to wait. Returns 0; EINVAL if mutex is NULL, misaligned, outside the enclave
 * or not initialised; EDEADLK if it is non-recursive and the caller already owns it.
 */
int sgx_thread_mutex_lock(sgx_thread_mutex_t *mutex);

/*
 * Locks mutex if that needs no waiting: it is unlocked and no thread waits for it, or it is
 * recursive and the caller owns it. Returns 0; EBUSY otherwise (also for a non-recursive
 * mutex the caller owns); EINVAL as sgx_thread_mutex_lock.
 */
int sgx_thread_mutex_trylock(sgx_thread_mutex_t *mutex);

/*
 * Unlocks mutex once; when it becomes free, the first waiting thread is woken and gets it.
 * Returns 0; EINVAL when nobody holds it, or as sgx_thread_mutex_lock; EPERM when another
 * thread holds it (the SDK's codes).
 */
int sgx_thread_mutex_unlock(sgx_thread_mutex_t *mutex);

/* Initialises cond with no waiters. unused may be NULL. Returns 0; EINVAL as for mutexes. */
int sgx_thread_cond_init(sgx_thread_cond_t *cond, const sgx_thread_condattr_t *unused);

/*
 * Checks that no thread waits on cond, which may then be reused after sgx_thread_cond_init.
 * Returns 0; EBUSY if a thread waits on it; EINVAL if cond is NULL, misaligned or outside the
 * enclave.
 */
int sgx_thread_cond_destroy(sgx_thread_cond_t *cond);

/*
 * Releases mutex, which the caller must own, and waits until cond is signalled, atomically:
 * a signal sent after the release wakes the caller. Then locks mutex again before it returns,
 * also when it fails to lock it (see below). A recursive mutex is released completely and
 * regains its lock count. As with every condition variable, the caller re-checks its
 * condition in a loop: another thread may have got there first.
 * Returns 0; EINVAL if cond or mutex is NULL, misaligned, outside the enclave, or mutex is
 * not initialised or nobody holds it (the mutex is then left as it was); EPERM if another
 * thread holds mutex (nothing waits then). Unlike the SDK's, a recursive mutex is released
 * completely while the caller waits, and regains its count after.
 */
int sgx_thread_cond_wait(sgx_thread_cond_t *cond, sgx_thread_mutex_t *mutex);

/* Wakes the thread that has waited longest on cond, if any. Returns 0; EINVAL as above. */
int sgx_thread_cond_signal(sgx_thread_cond_t *cond);

/* Wakes every thread waiting on cond. Returns 0; EINVAL as above. */
int sgx_thread_cond_broadcast(sgx_thread_cond_t *cond);

/* The calling enclave thread: its thread-data address, never SGX_THREAD_T_NULL. */
sgx_thread_t sgx_thread_self(void);

/* Non-zero if a and b are the same thread, 0 otherwise. */
int sgx_thread_equal(sgx_thread_t a, sgx_thread_t b);

/*
 * The link check promised above. Enclave code (built freestanding) that includes this header
 * refers to the four OCALL proxies the trusted bridge generates from sgx_tstdc.edl; these are
 * their generated prototypes. Host code (hosted) does not, since the host has functions of the
 * same names with the host-side signatures.
 */
#if __STDC_HOSTED__ == 0 && !defined(CELLA_SGX_THREAD_NO_LINK_CHECK)
sgx_status_t SGX_CDECL sgx_thread_wait_untrusted_event_ocall(int *retval, const void *self);
sgx_status_t SGX_CDECL sgx_thread_set_untrusted_event_ocall(int *retval, const void *waiter);
sgx_status_t SGX_CDECL sgx_thread_setwait_untrusted_events_ocall(int *retval, const void *waiter,
                                                                 const void *self);
sgx_status_t SGX_CDECL sgx_thread_set_multiple_untrusted_events_ocall(int *retval,
                                                                      const void **waiters,
                                                                      size_t total);

static const struct {
    sgx_status_t (*wait)(int *, const void *);
    sgx_status_t (*set)(int *, const void *);
    sgx_status_t (*setwait)(int *, const void *, const void *);
    sgx_status_t (*set_multiple)(int *, const void **, size_t);
} sgx_thread_needs_sgx_tstdc_edl_import __attribute__((
    used, section(".data.rel.ro.sgx_thread_h_needs_the_edl_to_import_sgx_tstdc_edl"))) = {
    sgx_thread_wait_untrusted_event_ocall, sgx_thread_set_untrusted_event_ocall,
    sgx_thread_setwait_untrusted_events_ocall, sgx_thread_set_multiple_untrusted_events_ocall};
#endif

CELLA_EXTERN_C_END

#endif /* CELLA_SGX_THREAD_H */
