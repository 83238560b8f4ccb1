// Direct convolution kernels for thin image sides; see include/CDirectConvolution.h.
//
// Two builds of each kernel: AVX2 + FMA intrinsics behind a function target attribute (chosen
// at run time from the CPU, so the package needs no unsafe compiler flags) and portable C for
// other CPUs and filter counts that are not multiples of 8. Per grid position each kernel is a
// tiny matrix product over the position's entries e = (tap inside the image, image channel):
//   correlate  out[f]      = Σ_e pixel[e] · K[e, f]     (broadcast pixel[e], rows of K)
//   scatter    u[e]        = Σ_f in[f] · Kᵀ[f, e]       (broadcast in[f], rows of Kᵀ)
//   gradient   dK[e, f]   += pixel[e] · dz[f]           (rank-1 update of dK, which stays in L1)
// The AVX2 kernels process two horizontally adjacent grid positions together where they can,
// so each kernel (or gradient) row loaded serves both and eight independent FMA chains hide the
// FMA latency; a lone position splits its sum into two accumulator sets (even and odd terms).

#include "CDirectConvolution.h"

#include <string.h>

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>
#define DC_HAVE_AVX2 1
#endif



// MARK: - Entries of a grid position

/// The (tap, channel) entries of one grid position that fall inside the image: the image offset
/// of each (floats, relative to a base pixel) and its row in the [KH·KW·C, F] kernel.
typedef struct {
    long count;
    long offsets[DC_MAX_TAPS * DC_MAX_CHANNELS];
    long rows[DC_MAX_TAPS * DC_MAX_CHANNELS];
} dc_entries;

/// Every entry, relative to the pixel under tap (0, 0): the list for positions away from the border.
static void all_entries(const dc_geometry *g, dc_entries *all) {
    const long C = g->channels;
    all->count = 0;
    for (long ky = 0; ky < g->kernelHeight; ky++)
        for (long kx = 0; kx < g->kernelWidth; kx++)
            for (long c = 0; c < C; c++) {
                all->offsets[all->count] = (ky * g->imageWidth + kx) * C + c;
                all->rows[all->count] = (ky * g->kernelWidth + kx) * C + c;
                all->count++;
            }
}

/// The entries of grid position (gy, gx), as offsets from `*base`: `interior` with `*base` at the
/// pixel under tap (0, 0) when the whole kernel fits in the image, else the surviving entries
/// written to `border` with `*base` = 0.
static inline const dc_entries *entries_at(const dc_geometry *g, long gy, long gx, const dc_entries *interior,
                                           dc_entries *border, long *base) {
    const long C = g->channels;
    const long iy0 = gy * g->strideHeight - g->padTop, ix0 = gx * g->strideWidth - g->padLeft;
    if (iy0 >= 0 && ix0 >= 0 && iy0 + g->kernelHeight <= g->imageHeight && ix0 + g->kernelWidth <= g->imageWidth) {
        *base = (iy0 * g->imageWidth + ix0) * C;
        return interior;
    }
    *base = 0;
    border->count = 0;
    for (long ky = 0; ky < g->kernelHeight; ky++) {
        const long iy = iy0 + ky;
        if (iy < 0 || iy >= g->imageHeight) continue;
        for (long kx = 0; kx < g->kernelWidth; kx++) {
            const long ix = ix0 + kx;
            if (ix < 0 || ix >= g->imageWidth) continue;
            for (long c = 0; c < C; c++) {
                border->offsets[border->count] = (iy * g->imageWidth + ix) * C + c;
                border->rows[border->count] = (ky * g->kernelWidth + kx) * C + c;
                border->count++;
            }
        }
    }
    return border;
}

int dc_supports(const dc_geometry *g) {
    return g->kernelHeight * g->kernelWidth <= DC_MAX_TAPS && g->channels <= DC_MAX_CHANNELS && g->channels > 0 &&
           g->gridChannels > 0;
}

long dc_transposed_kernel_width(const dc_geometry *g) {
    const long width = g->kernelHeight * g->kernelWidth * g->channels;
    return (width + 7) / 8 * 8;
}

void dc_transpose_kernel(const dc_geometry *g, const float *restrict kernel, float *restrict transposed) {
    const long rows = g->kernelHeight * g->kernelWidth * g->channels, F = g->gridChannels;
    const long width = dc_transposed_kernel_width(g);
    for (long f = 0; f < F; f++) {
        for (long r = 0; r < rows; r++) transposed[f * width + r] = kernel[r * F + f];
        for (long r = rows; r < width; r++) transposed[f * width + r] = 0;
    }
}

/// Loops over grid positions of images [first, first + count), with `img` the image, `in_grid`
/// the grid row (F floats), `e` the entries and `at` the image pointer they are relative to.
#define DC_FOR_EACH_POSITION(IMAGE_TYPE, IMAGE, GRID_TYPE, GRID, BODY)                                  \
    do {                                                                                                \
        const long imageSize_ = g->imageHeight * g->imageWidth * g->channels;                           \
        dc_entries interior_, border_;                                                                  \
        all_entries(g, &interior_);                                                                     \
        for (long n = first; n < first + count; n++) {                                                  \
            IMAGE_TYPE *img = (IMAGE) + n * imageSize_;                                                 \
            for (long gy = 0; gy < g->gridHeight; gy++) {                                               \
                for (long gx = 0; gx < g->gridWidth; gx++) {                                            \
                    GRID_TYPE *row = (GRID) + ((n * g->gridHeight + gy) * g->gridWidth + gx) * g->gridChannels; \
                    long base_;                                                                         \
                    const dc_entries *e = entries_at(g, gy, gx, &interior_, &border_, &base_);          \
                    IMAGE_TYPE *at = img + base_;                                                       \
                    BODY                                                                                \
                }                                                                                       \
            }                                                                                           \
        }                                                                                               \
    } while (0)

// MARK: - Portable kernels

static void correlate_portable(const dc_geometry *g, const float *restrict image, const float *restrict kernel,
                               float *restrict grid, long first, long count) {
    const long F = g->gridChannels;
    DC_FOR_EACH_POSITION(const float, image, float, grid, {
        for (long f = 0; f < F; f++) row[f] = 0;
        for (long j = 0; j < e->count; j++) {
            const float v = at[e->offsets[j]];
            const float *restrict w = kernel + e->rows[j] * F;
            for (long f = 0; f < F; f++) row[f] += v * w[f];
        }
    });
}

static void scatter_portable(const dc_geometry *g, const float *restrict grid, const float *restrict transposed,
                             float *restrict image, long first, long count) {
    const long F = g->gridChannels, width = dc_transposed_kernel_width(g);
    float u[DC_MAX_TAPS * DC_MAX_CHANNELS];
    memset(image + first * g->imageHeight * g->imageWidth * g->channels, 0,
           (size_t)(count * g->imageHeight * g->imageWidth * g->channels) * sizeof(float));
    DC_FOR_EACH_POSITION(float, image, const float, grid, {
        for (long r = 0; r < width; r++) u[r] = 0;
        for (long f = 0; f < F; f++) {
            const float v = row[f];
            const float *restrict w = transposed + f * width;
            for (long r = 0; r < width; r++) u[r] += v * w[r];
        }
        for (long j = 0; j < e->count; j++) at[e->offsets[j]] += u[e->rows[j]];
    });
}

static void gradient_portable(const dc_geometry *g, const float *restrict image, const float *restrict grid,
                              float *restrict gradient, long first, long count) {
    const long F = g->gridChannels;
    DC_FOR_EACH_POSITION(const float, image, const float, grid, {
        for (long j = 0; j < e->count; j++) {
            const float v = at[e->offsets[j]];
            float *restrict dw = gradient + e->rows[j] * F;
            for (long f = 0; f < F; f++) dw[f] += v * row[f];
        }
    });
}

// MARK: - AVX2 + FMA kernels

#if DC_HAVE_AVX2
#define DC_AVX2 __attribute__((target("avx2,fma")))

/// Σ_j broadcast(x[j]) · rows[j][0..<8·V] for V = 1…4 vectors, two accumulator sets; stores to out.
#define DC_BROADCAST_PRODUCT(V, TERMS, SCALAR_AT, ROW_AT, OUT)                                  \
    do {                                                                                        \
        __m256 a[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()}; \
        __m256 b[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()}; \
        long j = 0;                                                                             \
        for (; j + 1 < (TERMS); j += 2) {                                                       \
            const __m256 s0 = _mm256_broadcast_ss(SCALAR_AT(j));                                \
            const __m256 s1 = _mm256_broadcast_ss(SCALAR_AT(j + 1));                            \
            const float *w0 = ROW_AT(j), *w1 = ROW_AT(j + 1);                                   \
            for (int v = 0; v < (V); v++) {                                                     \
                a[v] = _mm256_fmadd_ps(s0, _mm256_loadu_ps(w0 + 8 * v), a[v]);                  \
                b[v] = _mm256_fmadd_ps(s1, _mm256_loadu_ps(w1 + 8 * v), b[v]);                  \
            }                                                                                   \
        }                                                                                       \
        if (j < (TERMS)) {                                                                      \
            const __m256 s0 = _mm256_broadcast_ss(SCALAR_AT(j));                                \
            const float *w0 = ROW_AT(j);                                                        \
            for (int v = 0; v < (V); v++) a[v] = _mm256_fmadd_ps(s0, _mm256_loadu_ps(w0 + 8 * v), a[v]); \
        }                                                                                       \
        for (int v = 0; v < (V); v++) _mm256_storeu_ps((OUT) + 8 * v, _mm256_add_ps(a[v], b[v])); \
    } while (0)

/// The products of two positions with the same rows: Σ_j broadcast(x[j]) · rows[j] into OUT and
/// Σ_j broadcast(x2[j]) · rows[j] into OUT2, each row loaded once for both.
#define DC_PAIRED_PRODUCT(V, TERMS, SCALAR_AT, SCALAR2_AT, ROW_AT, OUT, OUT2)                    \
    do {                                                                                        \
        __m256 a[4], b[4];                                                                      \
        for (int v = 0; v < (V); v++) a[v] = b[v] = _mm256_setzero_ps();                        \
        for (long j = 0; j < (TERMS); j++) {                                                    \
            const __m256 s = _mm256_broadcast_ss(SCALAR_AT(j)), s2 = _mm256_broadcast_ss(SCALAR2_AT(j)); \
            const float *w = ROW_AT(j);                                                         \
            for (int v = 0; v < (V); v++) {                                                     \
                const __m256 k = _mm256_loadu_ps(w + 8 * v);                                    \
                a[v] = _mm256_fmadd_ps(s, k, a[v]);                                             \
                b[v] = _mm256_fmadd_ps(s2, k, b[v]);                                            \
            }                                                                                   \
        }                                                                                       \
        for (int v = 0; v < (V); v++) {                                                         \
            _mm256_storeu_ps((OUT) + 8 * v, a[v]);                                              \
            _mm256_storeu_ps((OUT2) + 8 * v, b[v]);                                             \
        }                                                                                       \
    } while (0)

/// Runs BODY with a compile-time vector count V = min(4, remaining / 8).
#define DC_WITH_VECTORS(REMAINING, ...)                                                         \
    switch ((REMAINING) >= 32 ? 4 : (REMAINING) / 8) {                                          \
    case 4: { enum { V = 4 }; __VA_ARGS__; break; }                                             \
    case 3: { enum { V = 3 }; __VA_ARGS__; break; }                                             \
    case 2: { enum { V = 2 }; __VA_ARGS__; break; }                                             \
    default: { enum { V = 1 }; __VA_ARGS__; break; }                                            \
    }

// Operand accessors for DC_BROADCAST_PRODUCT (they name the kernels' local variables).
#define DC_PIXEL(j) (at + e->offsets[j])
#define DC_NEXT_PIXEL(j) (next + e->offsets[j])
#define DC_NEXT_INPUT(f) (row + F + (f))
#define DC_KROW(j) (kernel + e->rows[j] * F + f0)
#define DC_INPUT(f) (row + (f))
#define DC_TROW(f) (transposed + (f) * width + r0)

/// Two horizontally adjacent interior positions share each load of the kernel rows (eight
/// independent FMA chains); other positions use two accumulator sets over their entries.
DC_AVX2 static void correlate_avx2(const dc_geometry *g, const float *restrict image, const float *restrict kernel,
                                   float *restrict grid, long first, long count) {
    const long F = g->gridChannels, imageSize = g->imageHeight * g->imageWidth * g->channels;
    dc_entries interior, border;
    all_entries(g, &interior);
    for (long n = first; n < first + count; n++) {
        const float *img = image + n * imageSize;
        for (long gy = 0; gy < g->gridHeight; gy++) {
            for (long gx = 0; gx < g->gridWidth;) {
                float *row = grid + ((n * g->gridHeight + gy) * g->gridWidth + gx) * F;
                long base, nextBase = 0;
                const dc_entries *e = entries_at(g, gy, gx, &interior, &border, &base);
                const int paired = e == &interior && gx + 1 < g->gridWidth &&
                                   entries_at(g, gy, gx + 1, &interior, &border, &nextBase) == &interior;
                const float *at = img + base, *next = img + nextBase;
                for (long f0 = 0; f0 < F; f0 += 32) {
                    if (paired) {
                        DC_WITH_VECTORS(F - f0, DC_PAIRED_PRODUCT(V, e->count, DC_PIXEL, DC_NEXT_PIXEL, DC_KROW, row + f0, row + F + f0));
                    } else {
                        DC_WITH_VECTORS(F - f0, DC_BROADCAST_PRODUCT(V, e->count, DC_PIXEL, DC_KROW, row + f0));
                    }
                }
                gx += paired ? 2 : 1;
            }
        }
    }
}

/// Two horizontally adjacent positions share each load of the transposed kernel: their two
/// products u, u2 are computed together (eight independent FMA chains), then scattered in order.
DC_AVX2 static void scatter_avx2(const dc_geometry *g, const float *restrict grid, const float *restrict transposed,
                                 float *restrict image, long first, long count) {
    const long F = g->gridChannels, width = dc_transposed_kernel_width(g);
    const long imageSize = g->imageHeight * g->imageWidth * g->channels;
    float u[DC_MAX_TAPS * DC_MAX_CHANNELS + 32], u2[DC_MAX_TAPS * DC_MAX_CHANNELS + 32];
    dc_entries interior, border;
    all_entries(g, &interior);
    memset(image + first * imageSize, 0, (size_t)(count * imageSize) * sizeof(float));
    for (long n = first; n < first + count; n++) {
        float *img = image + n * imageSize;
        for (long gy = 0; gy < g->gridHeight; gy++) {
            for (long gx = 0; gx < g->gridWidth;) {
                const float *row = grid + ((n * g->gridHeight + gy) * g->gridWidth + gx) * F;
                const int paired = gx + 1 < g->gridWidth;
                for (long r0 = 0; r0 < width; r0 += 32) {
                    if (paired) {
                        DC_WITH_VECTORS(width - r0, DC_PAIRED_PRODUCT(V, F, DC_INPUT, DC_NEXT_INPUT, DC_TROW, u + r0, u2 + r0));
                    } else {
                        DC_WITH_VECTORS(width - r0, DC_BROADCAST_PRODUCT(V, F, DC_INPUT, DC_TROW, u + r0));
                    }
                }
                for (long k = 0; k < (paired ? 2 : 1); k++) {
                    long base;
                    const dc_entries *e = entries_at(g, gy, gx + k, &interior, &border, &base);
                    const float *values = k == 0 ? u : u2;
                    float *at = img + base;
                    for (long j = 0; j < e->count; j++) at[e->offsets[j]] += values[e->rows[j]];
                }
                gx += paired ? 2 : 1;
            }
        }
    }
}

/// Two horizontally adjacent interior positions share each load and store of the gradient
/// rows (the same rows, pixels one stride apart), halving the memory traffic of the update.
DC_AVX2 static void gradient_avx2(const dc_geometry *g, const float *restrict image, const float *restrict grid,
                                  float *restrict gradient, long first, long count) {
    const long F = g->gridChannels, imageSize = g->imageHeight * g->imageWidth * g->channels;
    dc_entries interior, border;
    all_entries(g, &interior);
    for (long n = first; n < first + count; n++) {
        const float *img = image + n * imageSize;
        for (long gy = 0; gy < g->gridHeight; gy++) {
            for (long gx = 0; gx < g->gridWidth;) {
                const float *row = grid + ((n * g->gridHeight + gy) * g->gridWidth + gx) * F;
                long base, nextBase = 0;
                const dc_entries *e = entries_at(g, gy, gx, &interior, &border, &base);
                const int paired = e == &interior && gx + 1 < g->gridWidth &&
                                   entries_at(g, gy, gx + 1, &interior, &border, &nextBase) == &interior;
                const float *at = img + base, *next = img + nextBase;
                for (long f0 = 0; f0 < F; f0 += 32) {
                    DC_WITH_VECTORS(F - f0, {
                        __m256 d[4], d2[4];
                        for (int v = 0; v < V; v++) d[v] = _mm256_loadu_ps(row + f0 + 8 * v);
                        if (paired) {
                            for (int v = 0; v < V; v++) d2[v] = _mm256_loadu_ps(row + F + f0 + 8 * v);
                            for (long j = 0; j < e->count; j++) {
                                const __m256 s = _mm256_broadcast_ss(at + e->offsets[j]);
                                const __m256 s2 = _mm256_broadcast_ss(next + e->offsets[j]);
                                float *dw = gradient + e->rows[j] * F + f0;
                                for (int v = 0; v < V; v++)
                                    _mm256_storeu_ps(dw + 8 * v, _mm256_fmadd_ps(s2, d2[v],
                                        _mm256_fmadd_ps(s, d[v], _mm256_loadu_ps(dw + 8 * v))));
                            }
                        } else {
                            for (long j = 0; j < e->count; j++) {
                                const __m256 s = _mm256_broadcast_ss(at + e->offsets[j]);
                                float *dw = gradient + e->rows[j] * F + f0;
                                for (int v = 0; v < V; v++)
                                    _mm256_storeu_ps(dw + 8 * v, _mm256_fmadd_ps(s, d[v], _mm256_loadu_ps(dw + 8 * v)));
                            }
                        }
                    });
                }
                gx += paired ? 2 : 1;
            }
        }
    }
}

static int cpu_has_avx2(void) {
    // -1 unknown; every thread that finds it unknown computes the same value.
    static int supported = -1;
    int value = __atomic_load_n(&supported, __ATOMIC_RELAXED);
    if (value < 0) {
        __builtin_cpu_init();
        value = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
        __atomic_store_n(&supported, value, __ATOMIC_RELAXED);
    }
    return value;
}
#define DC_USE_AVX2(G, FILTERS) (!(G)->portableOnly && cpu_has_avx2() && (FILTERS) % 8 == 0)
#else
#define DC_USE_AVX2(G, FILTERS) 0
#define correlate_avx2 correlate_portable
#define scatter_avx2 scatter_portable
#define gradient_avx2 gradient_portable
#endif

// MARK: - Entry points

int dc_runs_avx2_kernels(const dc_geometry *g) { return DC_USE_AVX2(g, g->gridChannels); }

void dc_correlate(const dc_geometry *g, const float *image, const float *kernel, float *grid, long first, long count) {
    if (DC_USE_AVX2(g, g->gridChannels)) correlate_avx2(g, image, kernel, grid, first, count);
    else correlate_portable(g, image, kernel, grid, first, count);
}

void dc_scatter(const dc_geometry *g, const float *grid, const float *transposedKernel, float *image, long first,
                long count) {
    if (DC_USE_AVX2(g, 8)) scatter_avx2(g, grid, transposedKernel, image, first, count);
    else scatter_portable(g, grid, transposedKernel, image, first, count);
}

void dc_accumulate_kernel_gradient(const dc_geometry *g, const float *image, const float *grid, float *gradient,
                                   long first, long count) {
    if (DC_USE_AVX2(g, g->gridChannels)) gradient_avx2(g, image, grid, gradient, first, count);
    else gradient_portable(g, image, grid, gradient, first, count);
}
