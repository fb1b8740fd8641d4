/* SPDX-License-Identifier: Apache-2.0 */
/* tests/enclave/cpu_state/cpu_state.h: what the cpu_state test's host and enclave agree on. */
#ifndef CELLA_TEST_CPU_STATE_H
#define CELLA_TEST_CPU_STATE_H

#include <stdint.h>

/* ECALL indices. Each ECALL takes no input. */
enum {
    CPU_STATE_ECALL_COPY,          /* out: int, CPU_STATE_COPY_* bits */
    CPU_STATE_ECALL_DIVIDE,        /* out: cpu_state_quotients_t */
    CPU_STATE_ECALL_UNALIGNED,     /* out: uint64_t, the sum of the unaligned loads */
    CPU_STATE_ECALL_LEAVE_VECTORS, /* out: int, the registers in which the host found the canary */
};

/* What the host's OCALL 0 does last before it returns (its input, one int). */
enum {
    CPU_STATE_SET_DF,       /* std */
    CPU_STATE_SET_ROUND_UP, /* MXCSR and the x87 control word: round towards +infinity */
    CPU_STATE_SET_AC,       /* RFLAGS.AC */
    CPU_STATE_FIND_CANARY,  /* count %xmm8-%xmm15 holding CPU_STATE_CANARY, answer the count */
};

#define CPU_STATE_COPY_BYTES 4096

#define CPU_STATE_COPY_OK                0
#define CPU_STATE_COPY_WRONG_DESTINATION 1
#define CPU_STATE_COPY_WROTE_BELOW       2

#define CPU_STATE_CANARY UINT64_C(0x5ec2e75ec2e75ec2)

/* The x87 extended format's 80 bits. */
#define CPU_STATE_LONG_DOUBLE_BYTES 10

/* 1/7 as the enclave computed it. */
typedef struct cpu_state_quotients {
    uint64_t double_bits;
    uint8_t long_double_bytes[16]; /* the first CPU_STATE_LONG_DOUBLE_BYTES count */
} cpu_state_quotients_t;

#endif /* CELLA_TEST_CPU_STATE_H */
