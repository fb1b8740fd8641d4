/* SPDX-License-Identifier: Apache-2.0 */
/* string.c: memory and string functions of the trusted C library (string.h, strings.h). */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/*
 * memcpy, memmove and memset run on every ECALL and OCALL (the bridges copy every buffer), so
 * they are tuned: up to 64 bytes with a few overlapping moves, medium sizes with a loop of
 * 16-byte SSE2 moves, large sizes with `rep movsb`/`rep stosb`, which current x86 cores
 * (ERMSB/FSRM) run at full cache bandwidth once their start-up cost is paid. The runtime clears
 * RFLAGS.DF on entry (security checklist A1), so the string instructions always move forwards.
 *
 * Word accesses go through __builtin_memcpy with a constant size: one unaligned load or store,
 * with no aliasing or alignment undefined behaviour. The library is built with -ffreestanding
 * (no builtins) and, for GCC, -fno-tree-loop-distribute-patterns, so none of these loops is
 * turned back into a call to itself.
 *
 * The str* functions read strictly byte by byte and never past the terminator: reading a whole
 * word beyond the end of a string is undefined behaviour and may touch an unmapped page.
 */

/* At and above this size the string instructions win over the vector loop. */
#define REP_THRESHOLD 2048

/* 16 bytes in an SSE2 register (every x86-64 CPU has SSE2). */
typedef unsigned char vector16_t __attribute__((vector_size(16)));

static inline uint64_t load64(const unsigned char *p)
{
    uint64_t word;
    __builtin_memcpy(&word, p, sizeof(word));
    return word;
}

static inline void store64(unsigned char *p, uint64_t word)
{
    __builtin_memcpy(p, &word, sizeof(word));
}

static inline uint32_t load32(const unsigned char *p)
{
    uint32_t word;
    __builtin_memcpy(&word, p, sizeof(word));
    return word;
}

static inline void store32(unsigned char *p, uint32_t word)
{
    __builtin_memcpy(p, &word, sizeof(word));
}

static inline uint16_t load16(const unsigned char *p)
{
    uint16_t word;
    __builtin_memcpy(&word, p, sizeof(word));
    return word;
}

static inline void store16(unsigned char *p, uint16_t word)
{
    __builtin_memcpy(p, &word, sizeof(word));
}

static inline vector16_t load128(const unsigned char *p)
{
    vector16_t vector;
    __builtin_memcpy(&vector, p, sizeof(vector));
    return vector;
}

static inline void store128(unsigned char *p, vector16_t vector)
{
    __builtin_memcpy(p, &vector, sizeof(vector));
}

/* 0 to 64 bytes; every load happens before the first store, so overlap is harmless. */
static inline void copy_small(unsigned char *d, const unsigned char *s, size_t size)
{
    if (size > 32) {
        vector16_t head0 = load128(s);
        vector16_t head1 = load128(s + 16);
        vector16_t tail0 = load128(s + size - 32);
        vector16_t tail1 = load128(s + size - 16);
        store128(d, head0);
        store128(d + 16, head1);
        store128(d + size - 32, tail0);
        store128(d + size - 16, tail1);
    } else if (size > 16) {
        vector16_t head = load128(s);
        vector16_t tail = load128(s + size - 16);
        store128(d, head);
        store128(d + size - 16, tail);
    } else if (size >= 8) {
        uint64_t head = load64(s);
        uint64_t tail = load64(s + size - 8);
        store64(d, head);
        store64(d + size - 8, tail);
    } else if (size >= 4) {
        uint32_t head = load32(s);
        uint32_t tail = load32(s + size - 4);
        store32(d, head);
        store32(d + size - 4, tail);
    } else if (size >= 2) {
        uint16_t head = load16(s);
        uint16_t tail = load16(s + size - 2);
        store16(d, head);
        store16(d + size - 2, tail);
    } else if (size == 1) {
        d[0] = s[0];
    }
}

/*
 * Copies forwards. Correct for disjoint buffers and for overlapping ones with d <= s: every
 * store lands below the source bytes still to be loaded, and the last 64 source bytes are
 * loaded before the first store.
 */
static void copy_forward(unsigned char *d, const unsigned char *s, size_t size)
{
    if (size <= 64) {
        copy_small(d, s, size);
        return;
    }
    if (size >= REP_THRESHOLD) {
        /* Architecturally a byte-by-byte forward copy, so also right for d < s overlap. */
        __asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(size) : : "memory");
        return;
    }
    vector16_t tail0 = load128(s + size - 64);
    vector16_t tail1 = load128(s + size - 48);
    vector16_t tail2 = load128(s + size - 32);
    vector16_t tail3 = load128(s + size - 16);
    for (size_t i = 0; i + 64 < size; i += 64) {
        vector16_t v0 = load128(s + i);
        vector16_t v1 = load128(s + i + 16);
        vector16_t v2 = load128(s + i + 32);
        vector16_t v3 = load128(s + i + 48);
        store128(d + i, v0);
        store128(d + i + 16, v1);
        store128(d + i + 32, v2);
        store128(d + i + 48, v3);
    }
    store128(d + size - 64, tail0);
    store128(d + size - 48, tail1);
    store128(d + size - 32, tail2);
    store128(d + size - 16, tail3);
}

/* Copies backwards, for overlapping buffers with d > s; mirror image of copy_forward. */
static void copy_backward(unsigned char *d, const unsigned char *s, size_t size)
{
    if (size <= 64) {
        copy_small(d, s, size);
        return;
    }
    vector16_t head0 = load128(s);
    vector16_t head1 = load128(s + 16);
    vector16_t head2 = load128(s + 32);
    vector16_t head3 = load128(s + 48);
    /* Chunks of 64 from the top while they stay above the head; then the last (possibly
     * overlapping) chunk, then the head. */
    size_t end = size;
    while (end > 128) {
        end -= 64;
        vector16_t v0 = load128(s + end);
        vector16_t v1 = load128(s + end + 16);
        vector16_t v2 = load128(s + end + 32);
        vector16_t v3 = load128(s + end + 48);
        store128(d + end, v0);
        store128(d + end + 16, v1);
        store128(d + end + 32, v2);
        store128(d + end + 48, v3);
    }
    vector16_t v0 = load128(s + end - 64);
    vector16_t v1 = load128(s + end - 48);
    vector16_t v2 = load128(s + end - 32);
    vector16_t v3 = load128(s + end - 16);
    store128(d + end - 64, v0);
    store128(d + end - 48, v1);
    store128(d + end - 32, v2);
    store128(d + end - 16, v3);
    store128(d, head0);
    store128(d + 16, head1);
    store128(d + 32, head2);
    store128(d + 48, head3);
}

void *memcpy(void *restrict dest, const void *restrict src, size_t size)
{
    copy_forward(dest, src, size);
    return dest;
}

void *mempcpy(void *restrict dest, const void *restrict src, size_t size)
{
    copy_forward(dest, src, size);
    return (unsigned char *)dest + size;
}

void *memmove(void *dest, const void *src, size_t size)
{
    /* Forwards unless dest starts inside [src, src + size); unsigned wrap makes dest < src a
     * huge distance. Integer comparison avoids comparing pointers into different objects. */
    if ((uintptr_t)dest - (uintptr_t)src >= size)
        copy_forward(dest, src, size);
    else
        copy_backward(dest, src, size);
    return dest;
}

void *memset(void *dest, int value, size_t size)
{
    unsigned char *d = dest;
    uint64_t pattern = 0x0101010101010101ull * (unsigned char)value;

    if (size <= 16) {
        if (size >= 8) {
            store64(d, pattern);
            store64(d + size - 8, pattern);
        } else if (size >= 4) {
            store32(d, (uint32_t)pattern);
            store32(d + size - 4, (uint32_t)pattern);
        } else if (size >= 2) {
            store16(d, (uint16_t)pattern);
            store16(d + size - 2, (uint16_t)pattern);
        } else if (size == 1) {
            d[0] = (unsigned char)value;
        }
        return dest;
    }
    if (size >= REP_THRESHOLD) {
        __asm__ volatile("rep stosb" : "+D"(d), "+c"(size) : "a"(value) : "memory");
        return dest;
    }
    uint64_t halves[2] = {pattern, pattern};
    vector16_t vector;
    __builtin_memcpy(&vector, halves, sizeof(vector));
    for (size_t i = 0; i + 64 < size; i += 64) {
        store128(d + i, vector);
        store128(d + i + 16, vector);
        store128(d + i + 32, vector);
        store128(d + i + 48, vector);
    }
    /* The last up-to-64 bytes, overlapping what the loop wrote. */
    size_t tail = size < 64 ? size : 64;
    for (size_t i = size - tail; i + 16 < size; i += 16)
        store128(d + i, vector);
    store128(d + size - 16, vector);
    return dest;
}

int memcmp(const void *left, const void *right, size_t size)
{
    const unsigned char *a = left;
    const unsigned char *b = right;
    size_t i = 0;

    for (; i + 8 <= size; i += 8) {
        uint64_t x = load64(a + i);
        uint64_t y = load64(b + i);
        if (x != y) {
            /* Byte order: the first differing byte decides, so compare big-endian. */
            x = __builtin_bswap64(x);
            y = __builtin_bswap64(y);
            return x < y ? -1 : 1;
        }
    }
    for (; i < size; i++) {
        if (a[i] != b[i])
            return a[i] < b[i] ? -1 : 1;
    }
    return 0;
}

void *memchr(const void *buffer, int value, size_t size)
{
    const unsigned char *p = buffer;
    unsigned char c = (unsigned char)value;
    for (size_t i = 0; i < size; i++) {
        if (p[i] == c)
            return (void *)(uintptr_t)(p + i);
    }
    return NULL;
}

void *memrchr(const void *buffer, int value, size_t size)
{
    const unsigned char *p = buffer;
    unsigned char c = (unsigned char)value;
    while (size > 0) {
        size--;
        if (p[size] == c)
            return (void *)(uintptr_t)(p + size);
    }
    return NULL;
}

size_t strlen(const char *string)
{
    size_t length = 0;
    while (string[length] != '\0')
        length++;
    return length;
}

size_t strnlen(const char *string, size_t max_size)
{
    size_t length = 0;
    while (length < max_size && string[length] != '\0')
        length++;
    return length;
}

int strcmp(const char *left, const char *right)
{
    const unsigned char *a = (const unsigned char *)left;
    const unsigned char *b = (const unsigned char *)right;
    while (*a != '\0' && *a == *b) {
        a++;
        b++;
    }
    return (int)*a - (int)*b;
}

int strncmp(const char *left, const char *right, size_t count)
{
    const unsigned char *a = (const unsigned char *)left;
    const unsigned char *b = (const unsigned char *)right;
    for (size_t i = 0; i < count; i++) {
        if (a[i] != b[i] || a[i] == '\0')
            return (int)a[i] - (int)b[i];
    }
    return 0;
}

int strcoll(const char *left, const char *right)
{
    return strcmp(left, right);
}

size_t strxfrm(char *restrict dest, const char *restrict src, size_t size)
{
    /* In the C locale the transformed string is the string itself. */
    size_t length = strlen(src);
    if (length < size)
        copy_forward((unsigned char *)dest, (const unsigned char *)src, length + 1);
    return length;
}

char *stpcpy(char *restrict dest, const char *restrict src)
{
    size_t length = strlen(src);
    copy_forward((unsigned char *)dest, (const unsigned char *)src, length + 1);
    return dest + length;
}

char *strcpy(char *restrict dest, const char *restrict src)
{
    stpcpy(dest, src);
    return dest;
}

char *stpncpy(char *restrict dest, const char *restrict src, size_t count)
{
    size_t length = strnlen(src, count);
    copy_forward((unsigned char *)dest, (const unsigned char *)src, length);
    memset(dest + length, 0, count - length);
    return dest + length;
}

char *strncpy(char *restrict dest, const char *restrict src, size_t count)
{
    stpncpy(dest, src, count);
    return dest;
}

char *strcat(char *restrict dest, const char *restrict src)
{
    stpcpy(dest + strlen(dest), src);
    return dest;
}

char *strncat(char *restrict dest, const char *restrict src, size_t count)
{
    char *end = dest + strlen(dest);
    size_t length = strnlen(src, count);
    copy_forward((unsigned char *)end, (const unsigned char *)src, length);
    end[length] = '\0';
    return dest;
}

size_t strlcpy(char *restrict dest, const char *restrict src, size_t size)
{
    size_t length = strlen(src);
    if (size > 0) {
        size_t copied = length < size - 1 ? length : size - 1;
        copy_forward((unsigned char *)dest, (const unsigned char *)src, copied);
        dest[copied] = '\0';
    }
    return length;
}

size_t strlcat(char *restrict dest, const char *restrict src, size_t size)
{
    size_t used = strnlen(dest, size);
    size_t length = strlen(src);
    if (used == size)
        return size + length; /* dest is not terminated within size: append nothing */
    size_t room = size - used - 1;
    size_t copied = length < room ? length : room;
    copy_forward((unsigned char *)dest + used, (const unsigned char *)src, copied);
    dest[used + copied] = '\0';
    return used + length;
}

char *strchr(const char *string, int character)
{
    char c = (char)character;
    for (;; string++) {
        if (*string == c)
            return (char *)(uintptr_t)string;
        if (*string == '\0')
            return NULL;
    }
}

char *strrchr(const char *string, int character)
{
    char c = (char)character;
    const char *found = NULL;
    for (;; string++) {
        if (*string == c)
            found = string;
        if (*string == '\0')
            return (char *)(uintptr_t)found;
    }
}

/* A 256-bit set of bytes for strspn, strcspn and strpbrk: O(n + m) instead of O(n * m). */
typedef struct byte_set {
    uint64_t bits[4];
} byte_set_t;

static void byte_set_fill(byte_set_t *set, const char *members, bool with_nul)
{
    set->bits[0] = set->bits[1] = set->bits[2] = set->bits[3] = 0;
    for (const unsigned char *p = (const unsigned char *)members; *p != '\0'; p++)
        set->bits[*p >> 6] |= 1ull << (*p & 63);
    if (with_nul)
        set->bits[0] |= 1;
}

static inline bool byte_set_has(const byte_set_t *set, unsigned char c)
{
    return (set->bits[c >> 6] >> (c & 63)) & 1;
}

size_t strspn(const char *string, const char *accept)
{
    byte_set_t set;
    byte_set_fill(&set, accept, false);
    size_t i = 0;
    while (byte_set_has(&set, (unsigned char)string[i]))
        i++;
    return i;
}

size_t strcspn(const char *string, const char *reject)
{
    byte_set_t set;
    byte_set_fill(&set, reject, true);
    size_t i = 0;
    while (!byte_set_has(&set, (unsigned char)string[i]))
        i++;
    return i;
}

char *strpbrk(const char *string, const char *accept)
{
    string += strcspn(string, accept);
    return *string != '\0' ? (char *)(uintptr_t)string : NULL;
}

/*
 * strstr uses the Two-Way algorithm (Crochemore and Perrin): linear time in the haystack and
 * constant space, so an attacker-chosen needle and haystack cannot make it quadratic.
 *
 * maximal_suffix returns the start of the lexicographically maximal suffix of needle[0..m)
 * under the given order and stores its period.
 */
static ptrdiff_t maximal_suffix(const unsigned char *needle, ptrdiff_t m, bool reversed,
                                ptrdiff_t *period)
{
    ptrdiff_t start = -1; /* index before the candidate suffix */
    ptrdiff_t j = 0;
    ptrdiff_t k = 1;
    ptrdiff_t p = 1;

    while (j + k < m) {
        unsigned char a = needle[j + k];
        unsigned char b = needle[start + k];
        if (reversed ? a > b : a < b) {
            j += k;
            k = 1;
            p = j - start;
        } else if (a == b) {
            if (k != p) {
                k++;
            } else {
                j += p;
                k = 1;
            }
        } else {
            start = j;
            j = start + 1;
            k = p = 1;
        }
    }
    *period = p;
    return start;
}

static const char *two_way_search(const unsigned char *haystack, ptrdiff_t n,
                                  const unsigned char *needle, ptrdiff_t m)
{
    ptrdiff_t period1;
    ptrdiff_t period2;
    ptrdiff_t split1 = maximal_suffix(needle, m, false, &period1);
    ptrdiff_t split2 = maximal_suffix(needle, m, true, &period2);
    ptrdiff_t split = split1 > split2 ? split1 : split2;
    ptrdiff_t period = split1 > split2 ? period1 : period2;

    if (period <= m - (split + 1) && memcmp(needle, needle + period, (size_t)(split + 1)) == 0) {
        /* The needle is periodic: remember how much of the left part already matched. */
        ptrdiff_t memory = -1;
        ptrdiff_t j = 0;
        while (j <= n - m) {
            ptrdiff_t i = (split > memory ? split : memory) + 1;
            while (i < m && needle[i] == haystack[i + j])
                i++;
            if (i >= m) {
                i = split;
                while (i > memory && needle[i] == haystack[i + j])
                    i--;
                if (i <= memory)
                    return (const char *)haystack + j;
                j += period;
                memory = m - period - 1;
            } else {
                j += i - split;
                memory = -1;
            }
        }
    } else {
        ptrdiff_t shift = (split + 1 > m - split - 1 ? split + 1 : m - split - 1) + 1;
        ptrdiff_t j = 0;
        while (j <= n - m) {
            ptrdiff_t i = split + 1;
            while (i < m && needle[i] == haystack[i + j])
                i++;
            if (i >= m) {
                i = split;
                while (i >= 0 && needle[i] == haystack[i + j])
                    i--;
                if (i < 0)
                    return (const char *)haystack + j;
                j += shift;
            } else {
                j += i - split;
            }
        }
    }
    return NULL;
}

char *strstr(const char *haystack, const char *needle)
{
    if (needle[0] == '\0')
        return (char *)(uintptr_t)haystack;
    haystack = strchr(haystack, needle[0]);
    if (haystack == NULL || needle[1] == '\0')
        return (char *)(uintptr_t)haystack;
    size_t m = strlen(needle);
    size_t n = strnlen(haystack, m);
    if (n < m)
        return NULL;
    n += strlen(haystack + n);
    /* Object sizes never exceed PTRDIFF_MAX, so the signed indices below cannot overflow. */
    return (char *)(uintptr_t)two_way_search((const unsigned char *)haystack, (ptrdiff_t)n,
                                             (const unsigned char *)needle, (ptrdiff_t)m);
}

char *strtok_r(char *restrict string, const char *restrict delimiters, char **restrict save)
{
    if (string == NULL)
        string = *save;
    if (string == NULL)
        return NULL;
    string += strspn(string, delimiters);
    if (*string == '\0') {
        *save = NULL;
        return NULL;
    }
    char *end = string + strcspn(string, delimiters);
    if (*end == '\0') {
        *save = NULL;
    } else {
        *end = '\0';
        *save = end + 1;
    }
    return string;
}

char *strdup(const char *string)
{
    size_t size = strlen(string) + 1;
    char *copy = malloc(size);
    if (copy != NULL)
        copy_forward((unsigned char *)copy, (const unsigned char *)string, size);
    return copy;
}

char *strndup(const char *string, size_t max_size)
{
    size_t length = strnlen(string, max_size);
    char *copy = malloc(length + 1); /* length < SIZE_MAX: it counts bytes of an object */
    if (copy != NULL) {
        copy_forward((unsigned char *)copy, (const unsigned char *)string, length);
        copy[length] = '\0';
    }
    return copy;
}

static int fold_case(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

int strcasecmp(const char *left, const char *right)
{
    const unsigned char *a = (const unsigned char *)left;
    const unsigned char *b = (const unsigned char *)right;
    for (;; a++, b++) {
        int x = fold_case(*a);
        int y = fold_case(*b);
        if (x != y || x == '\0')
            return x - y;
    }
}

int strncasecmp(const char *left, const char *right, size_t count)
{
    const unsigned char *a = (const unsigned char *)left;
    const unsigned char *b = (const unsigned char *)right;
    for (size_t i = 0; i < count; i++) {
        int x = fold_case(a[i]);
        int y = fold_case(b[i]);
        if (x != y || x == '\0')
            return x - y;
    }
    return 0;
}

int ffs(int value)
{
    return value == 0 ? 0 : __builtin_ctz((unsigned int)value) + 1;
}

int ffsl(long value)
{
    return value == 0 ? 0 : __builtin_ctzl((unsigned long)value) + 1;
}

int ffsll(long long value)
{
    return value == 0 ? 0 : __builtin_ctzll((unsigned long long)value) + 1;
}
