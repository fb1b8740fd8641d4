/* SPDX-License-Identifier: Apache-2.0 */
/* trusted/runtime/trts.c: the trusted runtime: entry, initialisation, ECALL dispatch, threads. */
#include <float.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cella/bridge.h>
#include <cella/layout.h>
#include <cella/size.h>
#include <sgx_edger8r.h>
#include <sgx_error.h>
#include <sgx_trts.h>

#include "../../common/entry_abi.h"
#include "../libc/hooks.h"
#include "exit.h"
#include "trts.h"

/*
 * Enclave-wide state. Written once by CELLA_ENTRY_INIT (before any ECALL can run) or by the
 * first entry's range setup; read-only afterwards, except `crashed`.
 */
static uintptr_t enclave_base;
static uint64_t enclave_size;
static uintptr_t heap_base;
static uint64_t heap_size;
static atomic_uint init_state; /* 0 not started, 1 running, 2 done, 3 failed */
static atomic_int crashed;

/* The image's own ELF header and dynamic section, addressed PC-relatively. */
extern const uint8_t __ehdr_start[] __attribute__((visibility("hidden")));
extern const uint64_t _DYNAMIC[] __attribute__((visibility("hidden")));

/* The measured layout table (metadata.S, cella/layout.h): the only source of layout facts. */
extern const cella_layout_table_t cella_trts_layout __attribute__((visibility("hidden")));

int32_t cella_trts_entry(cella_thread_data_t *thread_data, const cella_entry_request_t *request);

/* The stack-protector guard of trusted code (defined by the trusted C library). */
extern uintptr_t __stack_chk_guard;

/* ---- address ranges ----------------------------------------------------------------------- */

int sgx_is_within_enclave(const void *addr, size_t size)
{
    uintptr_t start = (uintptr_t)addr;
    uintptr_t last;

    if (enclave_size == 0)
        return 0;
    /* [start, start + size - 1]; size 0 tests start alone; a wrapping range is neither. */
    if (__builtin_add_overflow(start, size == 0 ? 0 : size - 1, &last))
        return 0;
    return start >= enclave_base && last <= enclave_base + (enclave_size - 1);
}

/*
 * The untrusted memory enclave code may use (CELLA_ENTRY_INIT's untrusted_base/size); size 0
 * means everything outside the enclave.
 */
static uintptr_t untrusted_base;
static uint64_t untrusted_size;

/* [addr, addr + size - 1] lies wholly outside the enclave (the backend's memory included). */
static int range_outside_enclave(const void *addr, size_t size)
{
    uintptr_t start = (uintptr_t)addr;
    uintptr_t last;

    if (enclave_size == 0)
        return 0;
    if (__builtin_add_overflow(start, size == 0 ? 0 : size - 1, &last))
        return 0;
    /* Entirely below the base or entirely above the last byte: not merely "not inside". */
    return last < enclave_base || start > enclave_base + (enclave_size - 1);
}

int sgx_is_outside_enclave(const void *addr, size_t size)
{
    if (!range_outside_enclave(addr, size))
        return 0;
    if (untrusted_size == 0)
        return 1;
    /* With a shared region, only memory inside it is the host's to hand to the enclave. */
    uintptr_t start = (uintptr_t)addr;
    uintptr_t last = start + (size == 0 ? 0 : size - 1); /* cannot wrap: checked above */
    return start >= untrusted_base && last <= untrusted_base + (untrusted_size - 1);
}

int sgx_is_enclave_crashed(void)
{
    return atomic_load(&crashed) != 0;
}

/* ---- per-thread state ----------------------------------------------------------------------- */

struct trts_thread *cella_trts_current(void)
{
    cella_thread_data_t *thread_data;

    /* %fs:0 holds the thread data's own address (x86-64 TLS ABI), set at the first entry. */
    __asm__("mov %%fs:0, %0" : "=r"(thread_data));
    return (struct trts_thread *)((uint8_t *)thread_data + CELLA_THREAD_DATA_BYTES);
}

int *cella_trts_errno_location(void)
{
    return &cella_trts_current()->errno_value;
}

void *cella_trts_heap_base(void)
{
    return (void *)heap_base;
}

size_t cella_trts_heap_size(void)
{
    return (size_t)heap_size;
}

/* ---- crash ------------------------------------------------------------------------------------
 */

void cella_trts_abort(void)
{
    struct trts_thread *thread = cella_trts_current();

    atomic_store(&crashed, 1);
    if (thread->ops.crash != NULL)
        (void)cella_trts_call_out((uintptr_t)thread->ops.crash, (uintptr_t)thread->context, 0, 0, 0,
                                  0, 0);
    /* No way out was given, or it returned: fault, and let the backend see a crash. */
    for (;;)
        __builtin_trap();
}

/* ---- initialisation ---------------------------------------------------------------------------
 */

#define DT_NULL           0
#define DT_RELA           7
#define DT_RELASZ         8
#define DT_RELAENT        9
#define DT_RELR           36
#define R_X86_64_NONE     0
#define R_X86_64_RELATIVE 8

/*
 * Applies the image's relocations. A static PIE has only R_X86_64_RELATIVE ones: the linked
 * address (0-based) plus the load base. Runs before anything else touches a pointer held in
 * data, so it uses no function pointers and no relocated data itself.
 */
static int32_t relocate(void)
{
    uint64_t rela_offset = 0, rela_size = 0, rela_entry = 24;

    for (const uint64_t *dyn = _DYNAMIC; dyn[0] != DT_NULL; dyn += 2) {
        switch (dyn[0]) {
        case DT_RELA:
            rela_offset = dyn[1];
            break;
        case DT_RELASZ:
            rela_size = dyn[1];
            break;
        case DT_RELAENT:
            rela_entry = dyn[1];
            break;
        case DT_RELR:
            return SGX_ERROR_INVALID_ENCLAVE; /* link without -z pack-relative-relocs */
        default:
            break;
        }
    }
    if (rela_entry != 24 || rela_size % 24 != 0)
        return SGX_ERROR_INVALID_ENCLAVE;
    for (uint64_t done = 0; done < rela_size; done += 24) {
        const uint64_t *rela = (const uint64_t *)(enclave_base + rela_offset + done);
        uint64_t type = rela[1] & 0xffffffffu;

        if (type == R_X86_64_NONE)
            continue;
        if (type != R_X86_64_RELATIVE || rela[0] > enclave_size - 8)
            return SGX_ERROR_INVALID_ENCLAVE;
        *(uint64_t *)(enclave_base + rela[0]) = enclave_base + rela[2];
    }
    return SGX_SUCCESS;
}

/* [offset, offset + size) lies inside the enclave (sizes from the measured table). */
static bool offset_range_valid(uint64_t offset, uint64_t size)
{
    return offset <= enclave_size && size <= enclave_size - offset;
}

__attribute__((no_stack_protector)) static int32_t initialise(void)
{
    const volatile cella_layout_table_t *table = &cella_trts_layout;
    unsigned expected = 0;
    uint64_t guard;

    if (!atomic_compare_exchange_strong(&init_state, &expected, 1))
        return SGX_ERROR_INVALID_STATE; /* initialised twice, or concurrently */

    int32_t status = relocate();
    if (status == SGX_SUCCESS && !offset_range_valid(table->heap_offset, table->heap_size))
        status = SGX_ERROR_INVALID_ENCLAVE;
    if (status == SGX_SUCCESS &&
        sgx_read_rand((unsigned char *)&guard, sizeof(guard)) != SGX_SUCCESS)
        status = SGX_ERROR_UNEXPECTED;
    if (status != SGX_SUCCESS) {
        atomic_store(&init_state, 3);
        return status;
    }
    __stack_chk_guard = (uintptr_t)guard;
    heap_base = enclave_base + table->heap_offset;
    heap_size = table->heap_size;
    atomic_store(&init_state, 2);
    return SGX_SUCCESS;
}

/*
 * Checks that thread_data is exactly one of this enclave's thread-data pages, as the
 * measured layout table places them (thread i at thread_data_offset + i * thread_stride),
 * and that %fs really points at it. Nothing the caller supplies decides a size or an
 * offset: the enclave range itself comes from the table. On success *thread_index is the
 * thread's index.
 */
__attribute__((no_stack_protector)) static bool
thread_data_valid(const cella_thread_data_t *thread_data, uint64_t *thread_index)
{
    const volatile cella_layout_table_t *table = &cella_trts_layout;
    uintptr_t base = (uintptr_t)__ehdr_start;
    uintptr_t address = (uintptr_t)thread_data;
    uint64_t size = table->enclave_size;
    uint64_t first = table->thread_data_offset;
    uint64_t stride = table->thread_stride;
    uint64_t offset, index;
    uintptr_t fs_base;

    /* An image whose table was never filled in (not signed by `cella sign`) never runs. */
    if (table->magic != CELLA_LAYOUT_TABLE_MAGIC || table->version != CELLA_LAYOUT_TABLE_VERSION ||
        size == 0 || (size & (size - 1)) != 0 || table->tcs_count == 0 || stride == 0 ||
        stride % CELLA_PAGE_BYTES != 0 || first % CELLA_PAGE_BYTES != 0 || first >= size)
        return false;
    if (address < base)
        return false;
    offset = address - base;
    if (offset < first || (offset - first) % stride != 0)
        return false;
    index = (offset - first) / stride;
    if (index >= table->tcs_count || offset > size - CELLA_PAGE_BYTES)
        return false;
    /* Spectre v1: nothing below runs on a mispredicted bounds check (checklist A6). */
    __asm__ __volatile__("lfence" ::: "memory");
    /* The thread pointer is the one EENTER would set from this thread's TCS. */
    __asm__ __volatile__("rdfsbase %0" : "=r"(fs_base));
    if (fs_base != address)
        return false;
    if (enclave_size == 0) {
        enclave_base = base;
        enclave_size = size;
    }
    *thread_index = index;
    /* The page itself is measured; a mismatch means the table and the pages disagree. */
    return thread_data->version == CELLA_THREAD_DATA_VERSION &&
           thread_data->thread_data_offset == offset && thread_data->enclave_size == size;
}

/* First entry on a thread: the TLS pointer and the thread's TLS block, bounds-checked. */
static bool thread_setup(cella_thread_data_t *thread_data, uint64_t thread_index,
                         struct trts_thread *thread)
{
    const volatile cella_layout_table_t *table = &cella_trts_layout;
    uint64_t block_size = table->tls_block_size;
    uint64_t init_offset = table->tls_init_offset;
    uint64_t init_size = table->tls_init_size;
    uint64_t block_offset;

    thread_data->self = (uint64_t)(uintptr_t)thread_data;
    /* Code built with the TLS canary (%fs:0x28, e.g. a distribution's static libraries)
     * finds the same random guard as code built with the global one. */
    thread_data->stack_guard = (uint64_t)__stack_chk_guard;
    if (block_size != 0 && init_size != 0) {
        /* This thread's block, ending at its thread-data page (TLS variant II). */
        if (__builtin_add_overflow(table->tls_block_offset, thread_index * table->thread_stride,
                                   &block_offset) ||
            init_size > block_size || !offset_range_valid(block_offset, block_size) ||
            !offset_range_valid(init_offset, init_size) ||
            block_offset + block_size != (uintptr_t)thread_data - enclave_base)
            return false;
        memcpy((void *)(enclave_base + block_offset), (const void *)(enclave_base + init_offset),
               (size_t)init_size);
    }
    thread->is_set_up = 1;
    return true;
}

/* ---- ECALL dispatch ---------------------------------------------------------------------------
 */

/* Copies of the untrusted buffers; small calls use the thread's scratch space, no allocation. */
struct private_buffer {
    uint8_t *data;
    bool allocated;
};

static int32_t private_buffer_get(struct trts_thread *thread, size_t size, size_t scratch_offset,
                                  struct private_buffer *buffer)
{
    buffer->allocated = false;
    buffer->data = NULL;
    if (size == 0)
        return SGX_SUCCESS;
    if (thread->ecall_depth == 1 && size <= CELLA_TRTS_SCRATCH_BYTES / 2) {
        buffer->data = thread->scratch + scratch_offset;
        return SGX_SUCCESS;
    }
    buffer->data = malloc(size);
    if (buffer->data == NULL)
        return SGX_ERROR_OUT_OF_MEMORY;
    buffer->allocated = true;
    return SGX_SUCCESS;
}

/* wipe: the buffer may hold what the host must not see (anything but an output it got). */
static void private_buffer_release(struct private_buffer *buffer, size_t size, bool wipe)
{
    if (buffer->data == NULL)
        return;
    if (wipe) {
        memset(buffer->data, 0, size);
        __asm__ __volatile__("" : : "r"(buffer->data) : "memory");
    }
    if (buffer->allocated)
        free(buffer->data);
}

void cella_bridge_put_long_double(uint8_t *to, long double value)
{
    memset(to, 0, sizeof(value));
#if LDBL_MANT_DIG == 64
    memcpy(to, &value, 10); /* the x87 extended format: 64-bit significand, 16-bit sign+exponent */
#else
    memcpy(to, &value, sizeof(value));
#endif
}

int cella_bridge_output_alias(uint8_t *out, size_t offset, const void *data, size_t size)
{
    struct trts_output *output = cella_trts_current()->output;

    if (output == NULL || out != output->buffer ||
        output->alias_count == CELLA_TRTS_OUTPUT_ALIASES || offset < output->end ||
        offset > output->size || size > output->size - offset || size == 0 ||
        (const uint8_t *)data < output->input || size > output->input_size ||
        (size_t)((const uint8_t *)data - output->input) > output->input_size - size)
        return -1;
    output->alias[output->alias_count++] = (struct trts_output_alias){offset, size, data};
    output->end = offset + size;
    return 0;
}

/*
 * Copies size bytes out to the host, publishing in *ready (when streaming) how far the
 * output is written after every piece, so the host copies while the rest follows.
 */
static void put_out(uint8_t *to, const uint8_t *from, size_t size, size_t *done, uint64_t *ready)
{
    if (ready == NULL) {
        memcpy(to + *done, from, size);
        *done += size;
        return;
    }
    while (size != 0) {
        size_t piece =
            size < CELLA_ENTRY_STREAM_CHUNK_BYTES ? size : CELLA_ENTRY_STREAM_CHUNK_BYTES;
        memcpy(to + *done, from, piece);
        from += piece;
        size -= piece;
        *done += piece;
        __atomic_store_n(ready, (uint64_t)*done, __ATOMIC_RELEASE);
    }
}

/* The output goes out: the private buffer, with the aliased ranges taken from where they are. */
static void output_copy_out(uint8_t *to, const struct trts_output *output, uint64_t *ready)
{
    size_t done = 0;
    for (size_t i = 0; i < output->alias_count; i++) {
        const struct trts_output_alias *alias = &output->alias[i];
        put_out(to, output->buffer + done, alias->offset - done, &done, ready);
        put_out(to, alias->data, alias->size, &done, ready);
    }
    put_out(to, output->buffer + done, output->size - done, &done, ready);
}

/*
 * The single fetch of a streamed input: each byte is copied once, as soon as the host says it
 * is in place. The host's word is read afresh each time and never trusted beyond size.
 */
static void fetch_streamed(uint8_t *to, const uint8_t *from, size_t size, const uint64_t *ready)
{
    size_t done = 0;
    while (done < size) {
        uint64_t now = __atomic_load_n(ready, __ATOMIC_ACQUIRE);
        if (now > size)
            now = size;
        if (now <= done) {
            __asm__ __volatile__("pause" ::: "memory");
            continue;
        }
        memcpy(to + done, from + done, (size_t)now - done);
        done = (size_t)now;
    }
}

static int32_t dispatch_ecall(struct trts_thread *thread, const cella_entry_request_t *request)
{
    const cella_ecall_table_t *table = &cella_bridge_ecall_table;
    struct private_buffer in = {NULL, false}, out = {NULL, false};
    int32_t status;

    if (request->index >= table->ecall_count)
        return SGX_ERROR_INVALID_FUNCTION;
    const cella_ecall_entry_t *entry = &table->ecalls[request->index];

    /* Private ECALLs run only inside an OCALL whose allow() names them (Intel's rule); an
     * ECALL nested in an OCALL only if allow() names it (cella_trts_entry refused the others). */
    if (thread->ecall_depth == 1) {
        if (entry->is_private)
            return SGX_ERROR_ECALL_NOT_ALLOWED;
    } else {
        uint32_t ocall = thread->ocall_index;
        if (ocall >= table->ocall_count || table->allow == NULL ||
            !table->allow[(size_t)ocall * table->ecall_count + request->index])
            return SGX_ERROR_ECALL_NOT_ALLOWED;
    }
    if (!sgx_is_within_enclave((const void *)(uintptr_t)entry->bridge, 1))
        return SGX_ERROR_INVALID_FUNCTION;

    /* Both buffers must lie wholly outside; NULL only with size 0. */
    if (request->in_size > CELLA_BRIDGE_MAX_BUFFER_BYTES ||
        request->out_size > CELLA_BRIDGE_MAX_BUFFER_BYTES)
        return SGX_ERROR_INVALID_PARAMETER;
    if ((request->in_size != 0 &&
         (request->in == NULL || !sgx_is_outside_enclave(request->in, request->in_size))) ||
        (request->out_size != 0 &&
         (request->out == NULL || !sgx_is_outside_enclave(request->out, request->out_size))))
        return SGX_ERROR_INVALID_PARAMETER;

    /* Progress words of a streamed call: whole, aligned words outside the enclave. */
    if ((request->in_ready != NULL &&
         (((uintptr_t)request->in_ready & 7u) != 0 ||
          !sgx_is_outside_enclave(request->in_ready, sizeof(uint64_t)))) ||
        (request->out_ready != NULL &&
         (((uintptr_t)request->out_ready & 7u) != 0 ||
          !sgx_is_outside_enclave(request->out_ready, sizeof(uint64_t)))))
        return SGX_ERROR_INVALID_PARAMETER;

    status = private_buffer_get(thread, request->in_size, 0, &in);
    if (status == SGX_SUCCESS)
        status = private_buffer_get(thread, request->out_size, CELLA_TRTS_SCRATCH_BYTES / 2, &out);
    if (status != SGX_SUCCESS)
        goto out;

    /* The single fetch of the input: everything the bridge validates is this copy. */
    if (request->in_size != 0 && request->in_ready != NULL)
        fetch_streamed(in.data, request->in, request->in_size, request->in_ready);
    else if (request->in_size != 0)
        memcpy(in.data, request->in, request->in_size);
    if (request->out_size != 0 && !entry->writes_output)
        memset(out.data, 0, request->out_size);

    /* Aliases count only up to alias_count: the array is left as it is. */
    struct trts_output output;
    output.buffer = out.data;
    output.size = request->out_size;
    output.input = in.data;
    output.input_size = request->in_size;
    output.end = 0;
    output.alias_count = 0;
    struct trts_output *outer_output = thread->output;
    thread->output = &output;
    status = entry->bridge(in.data, request->in_size, out.data, request->out_size);
    thread->output = outer_output;
    if (status == SGX_SUCCESS && request->out_size != 0)
        output_copy_out(request->out, &output, request->out_ready);
out:
    /*
     * The input copy may hold secrets the function wrote into its [in] buffers (unless the
     * bridge gave it none); the output copy, once copied out, holds only what the host has
     * now anyway, so it is wiped only when the call failed before that.
     */
    private_buffer_release(&in, request->in_size, !entry->input_unexposed);
    private_buffer_release(&out, request->out_size, status != SGX_SUCCESS);
    return status;
}

/* ---- entry -------------------------------------------------------------------------------------
 */

/* Copies the untrusted operations once and checks that each lies outside the enclave. */
static bool ops_copy(const cella_entry_ops_t *untrusted, cella_entry_ops_t *ops)
{
    if (untrusted == NULL || !range_outside_enclave(untrusted, sizeof(*untrusted)))
        return false;
    memcpy(ops, untrusted, sizeof(*ops));
    return ops->ocall != NULL && ops->ocall_alloc != NULL && ops->ocall_free != NULL &&
           ops->crash != NULL && ops->platform != NULL &&
           range_outside_enclave((const void *)(uintptr_t)ops->ocall, 1) &&
           range_outside_enclave((const void *)(uintptr_t)ops->ocall_alloc, 1) &&
           range_outside_enclave((const void *)(uintptr_t)ops->ocall_free, 1) &&
           range_outside_enclave((const void *)(uintptr_t)ops->crash, 1) &&
           range_outside_enclave((const void *)(uintptr_t)ops->platform, 1);
}

__attribute__((no_stack_protector)) int32_t
cella_trts_entry(cella_thread_data_t *thread_data, const cella_entry_request_t *untrusted_request)
{
    cella_entry_request_t request;
    cella_entry_ops_t outer_ops;
    void *outer_context;
    struct trts_ocalloc *outer_ocalloc;
    int32_t status;

    uint64_t thread_index = 0;

    if (!thread_data_valid(thread_data, &thread_index))
        return SGX_ERROR_INVALID_PARAMETER;
    /* The thread pointer first: errno, TLS and cella_trts_current() depend on it. */
    thread_data->self = (uint64_t)(uintptr_t)thread_data;
    struct trts_thread *thread = cella_trts_current();

    if (untrusted_request == NULL ||
        !range_outside_enclave(untrusted_request, sizeof(*untrusted_request)))
        return SGX_ERROR_INVALID_PARAMETER;
    memcpy(&request, untrusted_request, sizeof(request));

    if (atomic_load(&crashed))
        return SGX_ERROR_ENCLAVE_CRASHED;
    /* An entry while this thread is inside the enclave is a nested ECALL, which the host may
     * make only from inside an OCALL; never from the enclave's other exits (OCALL memory,
     * platform requests), where the enclave's state is half-way through something. */
    if (thread->ecall_depth > 0 && (!thread->in_ocall || request.command != CELLA_ENTRY_ECALL))
        return SGX_ERROR_ECALL_NOT_ALLOWED;

    /* The operations of this entry; an entry nested in an OCALL restores the outer ones. */
    outer_ops = thread->ops;
    outer_context = thread->context;
    outer_ocalloc = thread->ocalloc;
    if (!ops_copy(request.ops, &thread->ops)) {
        thread->ops = outer_ops;
        return SGX_ERROR_INVALID_PARAMETER;
    }
    /* The nested entry's own exits are no OCALL of the outer one. */
    uint32_t outer_in_ocall = thread->in_ocall;
    thread->in_ocall = 0;
    thread->context = request.context;
    thread->ocalloc = NULL;
    thread->ecall_depth++;

    switch (request.command) {
    case CELLA_ENTRY_INIT:
        /* The shared region must lie wholly outside the enclave; it never changes later. */
        if (request.untrusted_size != 0 &&
            !range_outside_enclave(request.untrusted_base, request.untrusted_size)) {
            status = SGX_ERROR_INVALID_PARAMETER;
            break;
        }
        status = initialise();
        if (status == SGX_SUCCESS && request.untrusted_size != 0) {
            untrusted_base = (uintptr_t)request.untrusted_base;
            untrusted_size = request.untrusted_size;
        }
        /* The interface this runtime speaks, for the backend to know what it may use. */
        if (status == SGX_SUCCESS && request.out != NULL && request.out_size >= sizeof(uint32_t) &&
            range_outside_enclave(request.out, sizeof(uint32_t))) {
            uint32_t version = CELLA_ENTRY_ABI_VERSION;
            memcpy(request.out, &version, sizeof(version));
        }
        break;
    case CELLA_ENTRY_ECALL:
        if (atomic_load(&init_state) != 2) {
            status = SGX_ERROR_INVALID_STATE;
            break;
        }
        if (!thread->is_set_up && !thread_setup(thread_data, thread_index, thread)) {
            status = SGX_ERROR_INVALID_ENCLAVE;
            break;
        }
        status = dispatch_ecall(thread, &request);
        break;
    default:
        status = SGX_ERROR_INVALID_FUNCTION;
        break;
    }

    sgx_ocfree();
    thread->ecall_depth--;
    thread->in_ocall = outer_in_ocall;
    thread->ops = outer_ops;
    thread->context = outer_context;
    thread->ocalloc = outer_ocalloc;
    return status;
}
