/* SPDX-License-Identifier: Apache-2.0 */
/* monitor/protocol.h: messages between the host runtime, cella-monitor and cella-enclave. */
#ifndef CELLA_MONITOR_PROTOCOL_H
#define CELLA_MONITOR_PROTOCOL_H

#include <stdint.h>

/*
 * Host runtime <-> cella-monitor: a SOCK_SEQPACKET socket pair; one message per packet, each
 * a fixed-size struct starting with its type. The host starts the monitor with its end of the
 * pair as file descriptor CELLA_MONITOR_HOST_FD and two arguments: its own pid and the state
 * directory of the platform secrets (cella_keys_state_dir(); empty when it has none).
 * cella-platformd uses its own state directory instead.
 *
 *   host    -> monitor  LOAD (with SCM_RIGHTS: the enclave file, the shared region's memfd)
 *   monitor -> host     LOG* then READY or FAILED
 *   monitor -> host     LOG*, ENCLAVE_EXITED when the enclave process has stopped
 *   host closes its end: the monitor kills the enclave process and exits.
 *
 * Or, on a fresh connection to cella-platformd, in place of LOAD, a quote (service mode's
 * sgx_qe_get_quote_size and sgx_qe_get_quote: the application cannot read the daemon's
 * platform secrets, so the daemon's monitor plays the quoting enclave):
 *
 *   host    -> monitor  QUOTE (a report made for the QE, or only a request for the size)
 *   monitor -> host     LOG* then QUOTE_RESULT, and the monitor closes the connection
 *
 * cella-monitor <-> cella-enclave: a SOCK_SEQPACKET socket pair, fd CELLA_ENCLAVE_CHANNEL_FD in
 * the enclave process, which also gets the enclave memory (memfd_secret) as
 * CELLA_ENCLAVE_MEMORY_FD and the shared region as CELLA_ENCLAVE_SHARED_FD, and the monitor's
 * pid as its only argument.
 *
 *   monitor -> enclave  PLAN, then plan.range_count ranges, then plan.tcs_count threads
 *                       (three packets)
 *   enclave -> monitor  STATUS (ready, or failed with the reason)
 *   enclave -> monitor  PLATFORM requests, each answered by one reply
 *   enclave -> monitor  CRASH, at most once, right before the enclave process ends itself
 *
 * Packets arrive whole, so the monitor never waits for the rest of a message the enclave
 * process did not finish. The reason an enclave crashed travels this way, from the trusted
 * stub to the monitor, which names it in the host's log; nothing about it goes through the
 * shared region. So do the platform's answers: keys never touch memory the host can read.
 */

#define CELLA_MONITOR_PROTOCOL_VERSION 2u

#define CELLA_MONITOR_HOST_FD    3
#define CELLA_ENCLAVE_CHANNEL_FD 3
#define CELLA_ENCLAVE_MEMORY_FD  4
#define CELLA_ENCLAVE_SHARED_FD  5

#define CELLA_MONITOR_TEXT_MAX_BYTES 512

/* Message types, host <-> monitor. */
#define CELLA_MONITOR_MSG_LOAD           1u
#define CELLA_MONITOR_MSG_LOG            2u
#define CELLA_MONITOR_MSG_READY          3u
#define CELLA_MONITOR_MSG_FAILED         4u
#define CELLA_MONITOR_MSG_ENCLAVE_EXITED 5u
#define CELLA_MONITOR_MSG_QUOTE          6u
#define CELLA_MONITOR_MSG_QUOTE_RESULT   7u

/* host -> monitor: load the enclave file passed along, sharing the region passed along. */
typedef struct cella_monitor_load {
    uint32_t type;    /* CELLA_MONITOR_MSG_LOAD */
    uint32_t version; /* CELLA_MONITOR_PROTOCOL_VERSION */
    uint32_t debug;   /* 1: a debug enclave */
    uint32_t reserved;
    uint64_t shared_address; /* where the host mapped the region; the enclave maps it there */
    uint64_t shared_size;    /* its size; the memfd is sealed against shrinking */
} cella_monitor_load_t;

/* monitor -> host: a log line of the monitor or the loader (level: cella_log_level_t). */
typedef struct cella_monitor_log {
    uint32_t type; /* CELLA_MONITOR_MSG_LOG */
    uint32_t level;
    char text[CELLA_MONITOR_TEXT_MAX_BYTES]; /* NUL-terminated */
} cella_monitor_log_t;

/* monitor -> host: the enclave process runs and waits on its slots (INIT not yet sent). */
typedef struct cella_monitor_ready {
    uint32_t type;       /* CELLA_MONITOR_MSG_READY */
    int32_t enclave_pid; /* the enclave process */
    uint32_t tcs_count;  /* as measured by the monitor */
    uint32_t reserved;
    uint64_t enclave_size; /* SECS.SIZE */
    uint8_t mrenclave[32];
    uint8_t mrsigner[32];
} cella_monitor_ready_t;

/* monitor -> host: loading failed; the LOG messages before it said why. */
typedef struct cella_monitor_failed {
    uint32_t type;  /* CELLA_MONITOR_MSG_FAILED */
    int32_t status; /* an sgx_status_t */
} cella_monitor_failed_t;

/* monitor -> host: the enclave process has stopped; a LOG message before it said why. */
typedef struct cella_monitor_enclave_exited {
    uint32_t type;  /* CELLA_MONITOR_MSG_ENCLAVE_EXITED */
    int32_t code;   /* waitid's si_code: CLD_EXITED, CLD_KILLED or CLD_DUMPED */
    int32_t status; /* waitid's si_status: the exit status or the signal */
    uint32_t crash; /* CELLA_ENCLAVE_CRASH_*: why it ended itself, if it did */
} cella_monitor_enclave_exited_t;

/* QUOTE flags. */
#define CELLA_MONITOR_QUOTE_SIZE_ONLY 1u /* answer with the size of a quote, and no quote */

/* The largest quote a QUOTE_RESULT carries (cella's are under 4 KiB). */
#define CELLA_MONITOR_QUOTE_MAX_BYTES 16384u

/* Bytes of cella_monitor_quote_result_t before its quote. */
#define CELLA_MONITOR_QUOTE_RESULT_HEADER_BYTES 16u

/* host -> cella-platformd's monitor: turn report into a quote with the daemon's secrets. */
typedef struct cella_monitor_quote {
    uint32_t type;       /* CELLA_MONITOR_MSG_QUOTE */
    uint32_t version;    /* CELLA_MONITOR_PROTOCOL_VERSION */
    uint32_t flags;      /* CELLA_MONITOR_QUOTE_* */
    uint32_t reserved;   /* zero */
    uint8_t report[432]; /* sgx_report_t, made for the QE's target info (ignored: SIZE_ONLY) */
} cella_monitor_quote_t;

/* monitor -> host: the answer to QUOTE. The packet holds the header and, when status is
 * SGX_QL_SUCCESS and the request was not SIZE_ONLY, quote_size bytes of quote. */
typedef struct cella_monitor_quote_result {
    uint32_t type;       /* CELLA_MONITOR_MSG_QUOTE_RESULT */
    int32_t status;      /* a quote3_error_t */
    uint32_t quote_size; /* the size of every quote of the platform; 0 when unknown */
    uint32_t reserved;
    uint8_t quote[CELLA_MONITOR_QUOTE_MAX_BYTES];
} cella_monitor_quote_result_t;

/* ---- monitor -> enclave process ------------------------------------------------------------- */

/* What the enclave process sets up; the memory holds every added page at its enclave offset. */
typedef struct cella_enclave_plan {
    uint32_t version;     /* CELLA_MONITOR_PROTOCOL_VERSION */
    uint32_t tcs_count;   /* threads that follow */
    uint32_t range_count; /* ranges that follow */
    uint32_t reserved;
    uint64_t enclave_size;   /* SECS.SIZE: the base is aligned to it */
    uint64_t entry_offset;   /* TCS.OENTRY */
    uint64_t shared_address; /* the shared region, mapped at this address */
    uint64_t shared_size;
} cella_enclave_plan_t;

/* Range flags. */
#define CELLA_ENCLAVE_RANGE_PRIVATE_COPY 1u /* executable: copied into private memory */

/* Pages to map: [offset, offset + size) of the enclave, with prot (PROT_*). */
typedef struct cella_enclave_range {
    uint64_t offset;
    uint64_t size;
    uint32_t prot;
    uint32_t flags; /* CELLA_ENCLAVE_RANGE_* */
} cella_enclave_range_t;

/* One enclave thread (TCS), by enclave offsets. */
typedef struct cella_enclave_thread {
    uint64_t thread_data_offset; /* %fs while the thread runs enclave code */
    uint64_t stack_top_offset;   /* one past the highest stack byte */
} cella_enclave_thread_t;

/* What failed in the enclave process; the monitor turns it into a remedy. */
#define CELLA_ENCLAVE_FEATURE_NONE         0u
#define CELLA_ENCLAVE_FEATURE_MEMFD_SECRET 1u /* mapping the secret memory (step "mmap") */
#define CELLA_ENCLAVE_FEATURE_SECCOMP      2u /* installing the system call filter */
#define CELLA_ENCLAVE_FEATURE_FSGSBASE     3u /* RDFSBASE/WRFSBASE not allowed */

/* enclave process -> monitor, once. */
typedef struct cella_enclave_status {
    int32_t status;   /* SGX_SUCCESS: ready; otherwise an sgx_status_t */
    int32_t error;    /* errno of the failed step, 0 when none */
    uint32_t feature; /* CELLA_ENCLAVE_FEATURE_* */
    uint32_t reserved;
    char text[CELLA_MONITOR_TEXT_MAX_BYTES]; /* what failed, NUL-terminated */
} cella_enclave_status_t;

/* Why the enclave process ended itself. */
#define CELLA_ENCLAVE_CRASH_NONE    0u
#define CELLA_ENCLAVE_CRASH_ABORT   1u /* the trusted runtime marked the enclave crashed */
#define CELLA_ENCLAVE_CRASH_SIGNAL  2u /* a fault: signal, address */
#define CELLA_ENCLAVE_CRASH_SYSCALL 3u /* a system call the filter refuses: syscall */

/* The exit status of an enclave process that ended itself after a CRASH message. */
#define CELLA_ENCLAVE_EXIT_CRASHED 70

/* Messages of the enclave process once it is ready; each starts with its type. */
#define CELLA_ENCLAVE_MSG_CRASH    1u /* cella_enclave_crash_t */
#define CELLA_ENCLAVE_MSG_PLATFORM 2u /* cella_enclave_platform_request_t */

/* enclave process -> monitor, at most once: why it is about to end itself. */
typedef struct cella_enclave_crash {
    uint32_t type;       /* CELLA_ENCLAVE_MSG_CRASH */
    uint32_t kind;       /* CELLA_ENCLAVE_CRASH_* */
    int32_t signal;      /* SIGNAL, SYSCALL: the signal number */
    uint32_t in_enclave; /* SIGNAL: 1 when address is an offset from the enclave base */
    int64_t syscall;     /* SYSCALL: the x86-64 system call number */
    uint64_t address;    /* SIGNAL: the faulting address, an enclave offset when in_enclave */
} cella_enclave_crash_t;

/* The largest input or output of a platform request (CELLA_PLATFORM_* of entry_abi.h). */
#define CELLA_ENCLAVE_PLATFORM_MAX_BYTES 1024

/*
 * enclave process -> monitor: a platform request of enclave code (EGETKEY, EREPORT). The
 * packet holds the header and in_size bytes of input. The monitor answers each with one
 * cella_enclave_platform_reply_t of out_size bytes of output, computed from the identity it
 * measured; the enclave process sends one request at a time.
 */
typedef struct cella_enclave_platform_request {
    uint32_t type;    /* CELLA_ENCLAVE_MSG_PLATFORM */
    uint32_t request; /* CELLA_PLATFORM_* */
    uint32_t in_size;
    uint32_t out_size;
    uint8_t in[CELLA_ENCLAVE_PLATFORM_MAX_BYTES];
} cella_enclave_platform_request_t;

/* monitor -> enclave process: the answer; the packet holds the header and out_size bytes. */
typedef struct cella_enclave_platform_reply {
    int32_t status; /* an sgx_status_t */
    uint32_t out_size;
    uint8_t out[CELLA_ENCLAVE_PLATFORM_MAX_BYTES];
} cella_enclave_platform_reply_t;

#define CELLA_ENCLAVE_PLATFORM_HEADER_BYTES       16u
#define CELLA_ENCLAVE_PLATFORM_REPLY_HEADER_BYTES 8u

#endif /* CELLA_MONITOR_PROTOCOL_H */
