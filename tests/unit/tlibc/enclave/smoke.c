/* SPDX-License-Identifier: Apache-2.0 */
/* smoke.c: a freestanding static PIE that uses the trusted C library the way an enclave does. */
/*
 * Linked with -nostdlib -static-pie -Wl,--no-undefined against cella_tlibc alone, it proves the
 * library needs nothing from a host C library. The hooks and the entry point here are test
 * scaffolding standing in for the trusted runtime: they apply the image's own relocations and
 * talk to Linux with raw system calls, which real enclave code never does.
 */
#include <ctype.h>
#include <errno.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trusted/libc/hooks.h"

#define SYS_WRITE      1
#define SYS_EXIT_GROUP 231

static long raw_syscall3(long number, long a, long b, long c)
{
    long result;
    __asm__ volatile("syscall"
                     : "=a"(result)
                     : "a"(number), "D"(a), "S"(b), "d"(c)
                     : "rcx", "r11", "memory");
    return result;
}

__attribute__((noreturn)) static void exit_process(int status)
{
    for (;;)
        raw_syscall3(SYS_EXIT_GROUP, status, 0, 0);
}

/* --- the runtime's hooks, test-only versions ----------------------------------------------- */

static int smoke_errno;
static _Alignas(16) unsigned char smoke_heap[1 << 20];

int cella_trts_print(const char *text, size_t size)
{
    while (size > 0) {
        long written = raw_syscall3(SYS_WRITE, 1, (long)(uintptr_t)text, (long)size);
        if (written <= 0)
            return -1;
        text += written;
        size -= (size_t)written;
    }
    return 0;
}

void cella_trts_abort(void)
{
    exit_process(134);
}

int *cella_trts_errno_location(void)
{
    return &smoke_errno;
}

void *cella_trts_heap_base(void)
{
    return smoke_heap;
}

size_t cella_trts_heap_size(void)
{
    return sizeof(smoke_heap);
}

/* --- self-relocation: what the runtime's loader does for a static PIE ---------------------- */

typedef struct {
    int64_t tag;
    uint64_t value;
} elf_dynamic_t;

typedef struct {
    uint64_t offset;
    uint64_t info;
    int64_t addend;
} elf_rela_t;

#define DT_NULL           0
#define DT_RELA           7
#define DT_RELASZ         8
#define DT_RELAENT        9
#define DT_RELR           36
#define R_X86_64_RELATIVE 8

extern const elf_dynamic_t _DYNAMIC[] __attribute__((visibility("hidden")));
extern const unsigned char __ehdr_start[] __attribute__((visibility("hidden")));

void smoke_relocate(void);
void smoke_main(void);

/* Runs before anything reads a pointer from data: only PC-relative accesses here. */
void smoke_relocate(void)
{
    uintptr_t base = (uintptr_t)__ehdr_start;
    uint64_t table = 0;
    uint64_t table_size = 0;
    uint64_t entry_size = sizeof(elf_rela_t);
    for (const elf_dynamic_t *entry = _DYNAMIC; entry->tag != DT_NULL; entry++) {
        if (entry->tag == DT_RELA)
            table = entry->value;
        else if (entry->tag == DT_RELASZ)
            table_size = entry->value;
        else if (entry->tag == DT_RELAENT)
            entry_size = entry->value;
        else if (entry->tag == DT_RELR)
            exit_process(120); /* packed relocations: not handled by this test loader */
    }
    if (entry_size != sizeof(elf_rela_t))
        exit_process(121);
    for (uint64_t offset = 0; offset < table_size; offset += entry_size) {
        const elf_rela_t *rela = (const elf_rela_t *)(base + table + offset);
        if ((rela->info & 0xffffffffu) != R_X86_64_RELATIVE)
            exit_process(122);
        *(uint64_t *)(base + rela->offset) = base + (uint64_t)rela->addend;
    }
}

__asm__(".text\n"
        ".globl _start\n"
        ".type _start, @function\n"
        "_start:\n"
        "xorl %ebp, %ebp\n"
        "andq $-16, %rsp\n"
        "call smoke_relocate\n"
        "call smoke_main\n"
        "hlt\n");

/* --- the checks ------------------------------------------------------------------------------ */

static int failures;

static void check(int condition, const char *what)
{
    if (!condition) {
        printf("tlibc smoke: check failed: %s\n", what);
        failures++;
    }
}

static int compare_ints(const void *left, const void *right)
{
    int a = *(const int *)left;
    int b = *(const int *)right;
    return (a > b) - (a < b);
}

/* Pointers in data, resolved by the relocation step. */
static const char *const words[] = {"delta", "alpha", "charlie", "bravo"};

static int compare_words(const void *left, const void *right)
{
    return strcmp(*(const char *const *)left, *(const char *const *)right);
}

static jmp_buf jump_target;

__attribute__((noinline)) static void jump_back(int value)
{
    longjmp(jump_target, value);
}

void smoke_main(void)
{
    char text[128];
    int length = snprintf(text, sizeof(text), "%d|%5s|%-4x|%.3f|%e|%g|%a|%p", -42, "ab", 255u,
                          3.14159, 1e300, 0.0001, 1.0, (void *)0);
    check(length == (int)strlen(text), "snprintf returns the length it wrote");
    const char *expected = "-42|   ab|ff  |3.142|1.000000e+300|0.0001|0x1p+0|(nil)";
    check(strcmp(text, expected) == 0, "snprintf formats integers, strings, floats and pointers");
    if (strcmp(text, expected) != 0)
        printf("tlibc smoke: got \"%s\"\n", text);
    check(snprintf(text, 4, "%s", "truncated") == 9 && strcmp(text, "tru") == 0,
          "snprintf truncates and terminates");

    char *copy = strdup("enclave");
    check(copy != NULL && strcmp(copy, "enclave") == 0, "strdup copies through malloc");
    char *grown = realloc(copy, 4096);
    check(grown != NULL && strcmp(grown, "enclave") == 0, "realloc keeps the contents");
    free(grown);
    unsigned char *zeroed = calloc(100, 10);
    int all_zero = zeroed != NULL;
    for (size_t i = 0; zeroed != NULL && i < 1000; i++)
        all_zero = all_zero && zeroed[i] == 0;
    check(all_zero, "calloc returns zeroed memory");
    free(zeroed);
    errno = 0;
    check(malloc(sizeof(smoke_heap)) == NULL && errno == ENOMEM,
          "heap exhaustion gives NULL and ENOMEM");

    int numbers[] = {5, -3, 99, 0, 42, -3, 7, 1000, -1000, 8};
    qsort(numbers, sizeof(numbers) / sizeof(numbers[0]), sizeof(numbers[0]), compare_ints);
    int sorted = 1;
    for (size_t i = 1; i < sizeof(numbers) / sizeof(numbers[0]); i++)
        sorted = sorted && numbers[i - 1] <= numbers[i];
    check(sorted, "qsort sorts integers");
    int key = 42;
    check(bsearch(&key, numbers, 10, sizeof(int), compare_ints) != NULL, "bsearch finds 42");

    const char *sorted_words[4];
    memcpy(sorted_words, words, sizeof(words));
    qsort(sorted_words, 4, sizeof(sorted_words[0]), compare_words);
    check(strcmp(sorted_words[0], "alpha") == 0 && strcmp(sorted_words[3], "delta") == 0,
          "relocated string pointers sort");

    char *end;
    check(strtod("0.1", &end) == 0.1 && *end == '\0', "strtod reads 0.1");
    check(strtod("0x1.8p1", NULL) == 3.0, "strtod reads hexadecimal floats");
    check(strtol("-0x7f", NULL, 0) == -127, "strtol detects the base");
    check(toupper('q') == 'Q' && isdigit('7'), "ctype works");

    volatile int jumps = 0;
    int value = setjmp(jump_target);
    if (value == 0) {
        jumps++;
        jump_back(7);
    }
    check(value == 7 && jumps == 1, "longjmp returns to setjmp with its value");

    if (failures == 0)
        printf("tlibc smoke: all checks passed\n");
    exit_process(failures == 0 ? 0 : 1);
}
