#include "COneDNN.h"

#include <cpuid.h>
#include <immintrin.h>
#include <string.h>

// MARK: - Conversion

static inline uint16_t to_bf16(float x) {
    uint32_t bits;
    memcpy(&bits, &x, sizeof bits);
    if ((bits & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((bits >> 16) | 0x40);  // quiet NaN
    bits += 0x7fffu + ((bits >> 16) & 1u);  // round to nearest, ties to even
    return (uint16_t)(bits >> 16);
}

__attribute__((target("avx512f,avx512bf16,avx512vl")))
static void convert_avx512(const float *src, uint16_t *dst, size_t count) {
    size_t i = 0;
    for (; i + 32 <= count; i += 32) {
        __m512 lo = _mm512_loadu_ps(src + i), hi = _mm512_loadu_ps(src + i + 16);
        _mm512_storeu_si512((void *)(dst + i), (__m512i)_mm512_cvtne2ps_pbh(hi, lo));
    }
    for (; i < count; i++) dst[i] = to_bf16(src[i]);
}

static void convert_portable(const float *src, uint16_t *dst, size_t count) {
    for (size_t i = 0; i < count; i++) dst[i] = to_bf16(src[i]);
}

void dc_convert_to_bf16(const float *src, uint16_t *dst, size_t count) {
    static int avx512 = -1;
    if (avx512 < 0) avx512 = dc_cpu_has_avx512_bf16();
    if (avx512) {
        convert_avx512(src, dst, count);
    } else {
        convert_portable(src, dst, count);
    }
}

void dc_convert_block_to_bf16(const float *src, size_t rows, size_t columns, size_t stride, uint16_t *dst) {
    if (stride == columns) {
        dc_convert_to_bf16(src, dst, rows * columns);
        return;
    }
    for (size_t r = 0; r < rows; r++) dc_convert_to_bf16(src + r * stride, dst + r * columns, columns);
}

// MARK: - CPU features

static uint64_t enabled_state(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 27))) return 0;  // OSXSAVE
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

int dc_cpu_has_avx512_bf16(void) {
    unsigned a, b, c, d;
    if (__get_cpuid_max(0, NULL) < 7) return 0;
    __cpuid_count(7, 0, a, b, c, d);
    int avx512f = (b >> 16) & 1;
    __cpuid_count(7, 1, a, b, c, d);
    int bf16 = (a >> 5) & 1;
    uint64_t xcr0 = enabled_state();
    int avx512_state = (xcr0 & 0xe6) == 0xe6;  // SSE, AVX, opmask, ZMM upper halves, ZMM16-31
    return avx512f && bf16 && avx512_state;
}

int dc_cpu_has_amx_bf16(void) {
    unsigned a, b, c, d;
    if (__get_cpuid_max(0, NULL) < 7) return 0;
    __cpuid_count(7, 0, a, b, c, d);
    int amx_bf16 = (d >> 22) & 1;
    uint64_t xcr0 = enabled_state();
    return amx_bf16 && (xcr0 & 0x60000) == 0x60000;
}
