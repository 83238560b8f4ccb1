// Optimizer updates; see include/COptimizerKernels.h. Each AVX statement mirrors one operation
// of the scalar loop, in the same order, so both builds give bit-identical results.

#include "COptimizerKernels.h"

#pragma STDC FP_CONTRACT OFF  // no fused multiply-add in the portable loops either (bit-identical results)

#include <math.h>

static int ok_portable_only = 0;

void ok_use_portable_kernels(int portableOnly) {
    __atomic_store_n(&ok_portable_only, portableOnly != 0, __ATOMIC_RELAXED);
}

static long adadelta_portable(float *restrict p, const float *restrict g, float *restrict a, float *restrict d,
                              long first, long count, float lr, float rho, float eps) {
    const float keep = 1 - rho;
    for (long i = first; i < count; i++) {
        const float gi = g[i];
        const float ai = rho * a[i] + keep * gi * gi;
        const float u = gi * sqrtf(d[i] + eps) / sqrtf(ai + eps);
        a[i] = ai;
        p[i] -= lr * u;
        d[i] = rho * d[i] + keep * u * u;
    }
    return count;
}

static long adam_portable(float *restrict p, const float *restrict g, float *restrict m, float *restrict v,
                          long first, long count, float lr, float b1, float b2, float eps) {
    const float keep1 = 1 - b1, keep2 = 1 - b2;
    for (long i = first; i < count; i++) {
        const float gi = g[i];
        const float mi = b1 * m[i] + keep1 * gi;
        const float vi = b2 * v[i] + keep2 * gi * gi;
        m[i] = mi;
        v[i] = vi;
        p[i] -= lr * mi / (sqrtf(vi) + eps);
    }
    return count;
}

static long sgd_momentum_portable(float *restrict p, const float *restrict g, float *restrict v, long first,
                                  long count, float lr, float mu, int nesterov) {
    if (nesterov) {
        for (long i = first; i < count; i++) {
            const float vi = mu * v[i] - lr * g[i];
            v[i] = vi;
            p[i] += mu * vi - lr * g[i];
        }
    } else {
        for (long i = first; i < count; i++) {
            const float vi = mu * v[i] - lr * g[i];
            v[i] = vi;
            p[i] += vi;
        }
    }
    return count;
}

static long sgd_portable(float *restrict p, const float *restrict g, long first, long count, float lr) {
    for (long i = first; i < count; i++) p[i] -= lr * g[i];
    return count;
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>
#define OK_AVX __attribute__((target("avx")))

/// The whole blocks of 8; returns the first index left for the scalar loop.
OK_AVX static long adadelta_avx(float *restrict p, const float *restrict g, float *restrict a, float *restrict d,
                                long count, float lr, float rho, float eps) {
    const __m256 vrho = _mm256_set1_ps(rho), vkeep = _mm256_set1_ps(1 - rho);
    const __m256 veps = _mm256_set1_ps(eps), vlr = _mm256_set1_ps(lr);
    long i = 0;
    for (; i + 8 <= count; i += 8) {
        const __m256 gi = _mm256_loadu_ps(g + i);
        const __m256 ai = _mm256_add_ps(_mm256_mul_ps(vrho, _mm256_loadu_ps(a + i)),
                                        _mm256_mul_ps(_mm256_mul_ps(vkeep, gi), gi));
        const __m256 u = _mm256_div_ps(_mm256_mul_ps(gi, _mm256_sqrt_ps(_mm256_add_ps(_mm256_loadu_ps(d + i), veps))),
                                       _mm256_sqrt_ps(_mm256_add_ps(ai, veps)));
        _mm256_storeu_ps(a + i, ai);
        _mm256_storeu_ps(p + i, _mm256_sub_ps(_mm256_loadu_ps(p + i), _mm256_mul_ps(vlr, u)));
        _mm256_storeu_ps(d + i, _mm256_add_ps(_mm256_mul_ps(vrho, _mm256_loadu_ps(d + i)),
                                              _mm256_mul_ps(_mm256_mul_ps(vkeep, u), u)));
    }
    return i;
}

OK_AVX static long adam_avx(float *restrict p, const float *restrict g, float *restrict m, float *restrict v,
                            long count, float lr, float b1, float b2, float eps) {
    const __m256 vb1 = _mm256_set1_ps(b1), vkeep1 = _mm256_set1_ps(1 - b1);
    const __m256 vb2 = _mm256_set1_ps(b2), vkeep2 = _mm256_set1_ps(1 - b2);
    const __m256 veps = _mm256_set1_ps(eps), vlr = _mm256_set1_ps(lr);
    long i = 0;
    for (; i + 8 <= count; i += 8) {
        const __m256 gi = _mm256_loadu_ps(g + i);
        const __m256 mi = _mm256_add_ps(_mm256_mul_ps(vb1, _mm256_loadu_ps(m + i)), _mm256_mul_ps(vkeep1, gi));
        const __m256 vi = _mm256_add_ps(_mm256_mul_ps(vb2, _mm256_loadu_ps(v + i)),
                                        _mm256_mul_ps(_mm256_mul_ps(vkeep2, gi), gi));
        _mm256_storeu_ps(m + i, mi);
        _mm256_storeu_ps(v + i, vi);
        const __m256 step = _mm256_div_ps(_mm256_mul_ps(vlr, mi), _mm256_add_ps(_mm256_sqrt_ps(vi), veps));
        _mm256_storeu_ps(p + i, _mm256_sub_ps(_mm256_loadu_ps(p + i), step));
    }
    return i;
}

OK_AVX static long sgd_momentum_avx(float *restrict p, const float *restrict g, float *restrict v, long count,
                                    float lr, float mu, int nesterov) {
    const __m256 vmu = _mm256_set1_ps(mu), vlr = _mm256_set1_ps(lr);
    long i = 0;
    if (nesterov) {
        for (; i + 8 <= count; i += 8) {
            const __m256 step = _mm256_mul_ps(vlr, _mm256_loadu_ps(g + i));
            const __m256 vi = _mm256_sub_ps(_mm256_mul_ps(vmu, _mm256_loadu_ps(v + i)), step);
            _mm256_storeu_ps(v + i, vi);
            _mm256_storeu_ps(p + i, _mm256_add_ps(_mm256_loadu_ps(p + i), _mm256_sub_ps(_mm256_mul_ps(vmu, vi), step)));
        }
    } else {
        for (; i + 8 <= count; i += 8) {
            const __m256 vi = _mm256_sub_ps(_mm256_mul_ps(vmu, _mm256_loadu_ps(v + i)),
                                            _mm256_mul_ps(vlr, _mm256_loadu_ps(g + i)));
            _mm256_storeu_ps(v + i, vi);
            _mm256_storeu_ps(p + i, _mm256_add_ps(_mm256_loadu_ps(p + i), vi));
        }
    }
    return i;
}

OK_AVX static long sgd_avx(float *restrict p, const float *restrict g, long count, float lr) {
    const __m256 vlr = _mm256_set1_ps(lr);
    long i = 0;
    for (; i + 8 <= count; i += 8) {
        _mm256_storeu_ps(p + i, _mm256_sub_ps(_mm256_loadu_ps(p + i), _mm256_mul_ps(vlr, _mm256_loadu_ps(g + i))));
    }
    return i;
}

static int use_avx(void) {
    static int supported = -1;  // every thread that finds it unknown computes the same value
    int value = __atomic_load_n(&supported, __ATOMIC_RELAXED);
    if (value < 0) {
        __builtin_cpu_init();
        value = __builtin_cpu_supports("avx");
        __atomic_store_n(&supported, value, __ATOMIC_RELAXED);
    }
    return value && !__atomic_load_n(&ok_portable_only, __ATOMIC_RELAXED);
}
#else
static int use_avx(void) { return 0; }
#define adadelta_avx(p, g, a, d, count, lr, rho, eps) 0L
#define adam_avx(p, g, m, v, count, lr, b1, b2, eps) 0L
#define sgd_momentum_avx(p, g, v, count, lr, mu, nesterov) 0L
#define sgd_avx(p, g, count, lr) 0L
#endif

void ok_sgd_momentum_update(float *parameter, const float *gradient, float *velocity, long count, float learningRate,
                            float momentum, int nesterov) {
    const long done = use_avx() ? sgd_momentum_avx(parameter, gradient, velocity, count, learningRate, momentum,
                                                   nesterov)
                                : 0;
    sgd_momentum_portable(parameter, gradient, velocity, done, count, learningRate, momentum, nesterov);
}

void ok_sgd_update(float *parameter, const float *gradient, long count, float learningRate) {
    const long done = use_avx() ? sgd_avx(parameter, gradient, count, learningRate) : 0;
    sgd_portable(parameter, gradient, done, count, learningRate);
}

void ok_adadelta_update(float *parameter, const float *gradient, float *accumulatedGradient,
                        float *accumulatedUpdate, long count, float learningRate, float rho, float epsilon) {
    const long done = use_avx() ? adadelta_avx(parameter, gradient, accumulatedGradient, accumulatedUpdate, count,
                                               learningRate, rho, epsilon)
                                : 0;
    adadelta_portable(parameter, gradient, accumulatedGradient, accumulatedUpdate, done, count, learningRate, rho,
                      epsilon);
}

void ok_adam_update(float *parameter, const float *gradient, float *firstMoment, float *secondMoment, long count,
                    float correctedRate, float beta1, float beta2, float epsilon) {
    const long done = use_avx() ? adam_avx(parameter, gradient, firstMoment, secondMoment, count, correctedRate,
                                           beta1, beta2, epsilon)
                                : 0;
    adam_portable(parameter, gradient, firstMoment, secondMoment, done, count, correctedRate, beta1, beta2, epsilon);
}
