/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for trusted/libc/setjmp.c: jumps return the right value and restore callee-saved state. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "tlibc.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

#ifdef UNDER_ASAN
/* The trusted longjmp is not ASan's: tell ASan that the stack frames in between are gone. */
void __asan_handle_no_return(void);
#define BEFORE_LONGJMP() __asan_handle_no_return()
#else
#define BEFORE_LONGJMP() ((void)0)
#endif

static cella_tlibc_jmp_buf environment;

__attribute__((noinline)) static void jump_with(cella_tlibc_jmp_buf env, int value)
{
    BEFORE_LONGJMP();
    cella_tlibc_longjmp(env, value);
}

/* setjmp's results and how often execution passed after it, for one jump with value. */
__attribute__((noinline)) static void jump_once(int value, int *first, int *second, int *passes)
{
    volatile int count = 0;
    int result = cella_tlibc_setjmp(environment);
    count++;
    if (result == 0) {
        *first = result;
        jump_with(environment, value);
    }
    *second = result;
    *passes = count;
}

static void setjmp_returns_zero_then_the_value_given_to_longjmp(void **state)
{
    static const int values[] = {1, 2, 42, -1, 0x7fffffff, (int)0x80000000u};
    (void)state;
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        int first = -1;
        int second = -1;
        int passes = 0;
        jump_once(values[i], &first, &second, &passes);
        assert_int_equal(first, 0);
        assert_int_equal(second, values[i]);
        assert_int_equal(passes, 2);
    }
}

static void longjmp_with_zero_makes_setjmp_return_one(void **state)
{
    volatile int rounds = 0;
    (void)state;
    int result = cella_tlibc_setjmp(environment);
    if (rounds++ == 0)
        jump_with(environment, 0);
    assert_int_equal(result, 1);
}

__attribute__((noinline)) static int recurse_then_jump(int depth)
{
    volatile char frame[64];
    frame[0] = (char)depth;
    if (depth < 0)
        return 0;
    if (depth == 0)
        jump_with(environment, 7);
    return recurse_then_jump(depth - 1) + frame[0];
}

static void longjmp_unwinds_deep_recursion_and_keeps_volatile_locals(void **state)
{
    volatile int marker = 12345;
    (void)state;
    if (cella_tlibc_setjmp(environment) == 0) {
        marker = 54321;
        (void)recurse_then_jump(2000);
        fail_msg("recursion returned instead of jumping");
    }
    assert_int_equal(marker, 54321);
}

static void nested_buffers_each_return_to_their_own_setjmp(void **state)
{
    cella_tlibc_jmp_buf outer;
    cella_tlibc_jmp_buf inner;
    volatile int path = 0;
    (void)state;
    if (cella_tlibc_setjmp(outer) == 0) {
        path = 1;
        if (cella_tlibc_setjmp(inner) == 0) {
            path = 2;
            jump_with(inner, 5);
        }
        path = 3;
        jump_with(outer, 9);
    }
    assert_int_equal(path, 3);
}

/*
 * run_register_check(env, jumper): loads a distinct constant into each callee-saved register,
 * calls setjmp, zeroes the registers, calls jumper(env) (which longjmps back with 42), then
 * returns 16 * setjmp's second result + the number of registers that lost their constant.
 */
int run_register_check(cella_tlibc_jmp_buf env, void (*jumper)(cella_tlibc_jmp_buf env));

#define REGISTER_CHECK(reg, constant) \
    "movabsq $" constant ", %rcx\n"   \
    "cmpq %rcx, %" reg "\n"           \
    "setne %cl\n"                     \
    "movzbl %cl, %ecx\n"              \
    "addl %ecx, %eax\n"

/* clang-format off */
__asm__(".text\n"
        ".globl run_register_check\n"
        ".type run_register_check, @function\n"
        "run_register_check:\n"
        "pushq %rbx\n"
        "pushq %rbp\n"
        "pushq %r12\n"
        "pushq %r13\n"
        "pushq %r14\n"
        "pushq %r15\n"
        "subq $24, %rsp\n"
        "movq %rdi, 0(%rsp)\n"
        "movq %rsi, 8(%rsp)\n"
        "movabsq $0x1111111111111111, %rbx\n"
        "movabsq $0x2222222222222222, %rbp\n"
        "movabsq $0x3333333333333333, %r12\n"
        "movabsq $0x4444444444444444, %r13\n"
        "movabsq $0x5555555555555555, %r14\n"
        "movabsq $0x6666666666666666, %r15\n"
        "movq 0(%rsp), %rdi\n"
        "call cella_tlibc_setjmp@PLT\n"
        "testl %eax, %eax\n"
        "jnz 1f\n"
        "xorl %ebx, %ebx\n"
        "xorl %ebp, %ebp\n"
        "xorl %r12d, %r12d\n"
        "xorl %r13d, %r13d\n"
        "xorl %r14d, %r14d\n"
        "xorl %r15d, %r15d\n"
        "movq 0(%rsp), %rdi\n"
        "call *8(%rsp)\n"
        "ud2\n"
        "1:\n"
        "shll $4, %eax\n"
        REGISTER_CHECK("rbx", "0x1111111111111111")
        REGISTER_CHECK("rbp", "0x2222222222222222")
        REGISTER_CHECK("r12", "0x3333333333333333")
        REGISTER_CHECK("r13", "0x4444444444444444")
        REGISTER_CHECK("r14", "0x5555555555555555")
        REGISTER_CHECK("r15", "0x6666666666666666")
        "addq $24, %rsp\n"
        "popq %r15\n"
        "popq %r14\n"
        "popq %r13\n"
        "popq %r12\n"
        "popq %rbp\n"
        "popq %rbx\n"
        "ret\n"
        ".size run_register_check, .-run_register_check\n");
/* clang-format on */

/* Uses the callee-saved registers itself (a busy frame) before jumping. */
__attribute__((noinline)) static void busy_jumper(cella_tlibc_jmp_buf env)
{
    volatile uint64_t sink = 0;
    for (uint64_t i = 0; i < 100; i++)
        sink += i * 0x9e3779b97f4a7c15ull;
    (void)sink;
    jump_with(env, 42);
}

static void longjmp_restores_every_callee_saved_register(void **state)
{
    cella_tlibc_jmp_buf env;
    (void)state;
    assert_int_equal(run_register_check(env, busy_jumper), 42 * 16);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(setjmp_returns_zero_then_the_value_given_to_longjmp),
        cmocka_unit_test(longjmp_with_zero_makes_setjmp_return_one),
        cmocka_unit_test(longjmp_unwinds_deep_recursion_and_keeps_volatile_locals),
        cmocka_unit_test(nested_buffers_each_return_to_their_own_setjmp),
        cmocka_unit_test(longjmp_restores_every_callee_saved_register),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
