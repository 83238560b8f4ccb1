// oneDNN's matmul primitive loaded at run time, and the CPU facts bf16 GEMMs depend on.
//
// libdnnl.so.2 (oneDNN 2.x, Debian's libdnnl2) is opened with dlopen on first use and the few C
// entry points the library needs are resolved with dlsym, so nothing links against oneDNN: where
// it is missing, dc_dnnl_load fails with a reason and the caller keeps OpenBLAS. No oneDNN header
// is needed to build either: the declarations the shim uses are copied from oneDNN 2.x's
// dnnl_types.h (constants of its stable ABI) and its structures are kept in opaque buffers
// larger than the real ones (checked when oneDNN loads, see dc_dnnl_load).
//
// Matrices are row-major, as in cblas_sgemm: op(A) is m × k, op(B) is k × n, C is m × n, and
// lda, ldb, ldc are the row strides of the matrices as stored (before transposition).

#ifndef C_ONEDNN_H
#define C_ONEDNN_H

#include <stddef.h>
#include <stdint.h>

/// Opens libdnnl.so.2 and creates its CPU engine; idempotent and thread-safe. Returns 1 when
/// oneDNN is usable, 0 otherwise (dc_dnnl_load_error then says why). Unless OMP_WAIT_POLICY or
/// GOMP_SPINCOUNT is set, it sets OMP_WAIT_POLICY=PASSIVE first, so oneDNN's OpenMP threads
/// sleep between products instead of spinning.
int dc_dnnl_load(void);

/// Why dc_dnnl_load failed, or an empty string.
const char *dc_dnnl_load_error(void);

/// oneDNN's version as "major.minor.patch" once loaded, else an empty string.
const char *dc_dnnl_version(void);

/// A matmul primitive for one shape, layout, precision and thread count.
typedef struct dc_dnnl_matmul dc_dnnl_matmul;

/// Creates C ← alpha · op(A) · op(B) + beta · C for fixed shapes and strides.
///
/// With `bf16` nonzero, execute rounds A and B to bf16 (packed copies in per-thread buffers) and
/// the product is accumulated and stored in FP32. `threads` is the number of OpenMP threads the primitive is planned for and
/// runs with (1 for calls made side by side from several threads). Returns NULL when oneDNN is
/// not loaded or refuses the descriptor.
dc_dnnl_matmul *dc_dnnl_matmul_create(
    int64_t m, int64_t n, int64_t k, int transposeA, int transposeB,
    int64_t lda, int64_t ldb, int64_t ldc, float alpha, float beta, int bf16, int threads);

/// Runs the primitive on A, B and C (FP32 as stored, whatever the primitive's precision); safe to
/// call from several threads at once. Returns 0 on success, nonzero otherwise.
int dc_dnnl_matmul_execute(const dc_dnnl_matmul *matmul, const float *a, const float *b, float *c);

/// oneDNN's name for the implementation it chose ("brg:avx512_core", "gemm:jit", "ref:any", …).
const char *dc_dnnl_matmul_implementation(const dc_dnnl_matmul *matmul);

/// Releases a primitive made by dc_dnnl_matmul_create.
void dc_dnnl_matmul_destroy(dc_dnnl_matmul *matmul);

/// dst[i] = src[i] rounded to bfloat16 (to nearest, ties to even; NaN stays NaN).
void dc_convert_to_bf16(const float *src, uint16_t *dst, size_t count);

/// Copies a rows × columns block of row stride `stride` into `dst` as bfloat16, rows packed.
void dc_convert_block_to_bf16(const float *src, size_t rows, size_t columns, size_t stride, uint16_t *dst);

/// 1 when the CPU and operating system support AVX512_BF16 instructions (cpuid leaf 7,
/// sub-leaf 1, EAX bit 5, with AVX-512 state enabled), else 0.
int dc_cpu_has_avx512_bf16(void);

/// 1 when the CPU reports AMX-BF16 (cpuid leaf 7, EDX bit 22) and the kernel enabled AMX tile
/// state (XCR0 bits 17 and 18), else 0.
int dc_cpu_has_amx_bf16(void);

#endif // C_ONEDNN_H
