// Direct (no im2col) convolution kernels for layers whose image side is thin: a patch of
// KH·KW·C floats short enough that im2col + GEMM spends more time copying patches than
// multiplying (DCEC's first Conv2D and last Conv2DTranspose on grey-scale images, C = 1,
// 5×5 kernels: patches of 25 floats against 32 filters).
//
// Terms as in ConvolutionGeometry.swift: the *image* is the larger NHWC side (a Conv2D's input,
// a Conv2DTranspose's output) with C channels; the *grid* is the smaller side (the Conv2D's
// output, the transposed convolution's input) with F channels, GH × GW positions. Grid position
// (gy, gx) and tap (ky, kx) meet image pixel (gy·SH + ky − PT, gx·SW + kx − PL); taps outside the
// image read zero / are dropped. The kernel is [KH, KW, C, F] in both layers (Keras's Conv2D
// layout [KH, KW, inC, outC]; Conv2DTranspose's [KH, KW, outC, inC]).
//
// Every function processes images [first, first + count) of the batch and is safe to call
// concurrently on disjoint image ranges (the weight-gradient one on separate accumulators).
// The AVX2 + FMA build (chosen at run time) and the portable build agree up to rounding: the
// AVX2 build fuses multiply-adds and splits sums into two interleaved halves.

#ifndef C_DIRECT_CONVOLUTION_H
#define C_DIRECT_CONVOLUTION_H

#include <stddef.h>

/// The largest kernel (KH·KW taps) and image-side channel count C the kernels accept; callers
/// use im2col + GEMM beyond (see dc_supports).
#define DC_MAX_TAPS 64
#define DC_MAX_CHANNELS 4

typedef struct {
    long imageHeight, imageWidth, channels;      // H, W, C
    long kernelHeight, kernelWidth;              // KH, KW
    long strideHeight, strideWidth;              // SH, SW
    long padTop, padLeft;                        // PT, PL
    long gridHeight, gridWidth, gridChannels;    // GH, GW, F
    int portableOnly;                            // nonzero: portable kernels even where AVX2 is available
} dc_geometry;

/// Whether the kernels accept `g`: at most DC_MAX_TAPS taps and DC_MAX_CHANNELS image channels.
int dc_supports(const dc_geometry *g);

/// grid[n, gy, gx, f] = Σ_{ky, kx, c} image[n, pixel, c] · kernel[ky, kx, c, f] (overwrites grid).
void dc_correlate(const dc_geometry *g, const float *image, const float *kernel, float *grid,
                  long first, long count);

/// image[n, pixel, c] = Σ over the (gy, gx, ky, kx) meeting that pixel of
/// Σ_f grid[n, gy, gx, f] · kernel[ky, kx, c, f] (overwrites image). Takes the kernel as written
/// by dc_transpose_kernel.
void dc_scatter(const dc_geometry *g, const float *grid, const float *transposedKernel, float *image,
                long first, long count);

/// The row length of ``dc_transpose_kernel``'s output: KH·KW·C rounded up to a multiple of 8.
long dc_transposed_kernel_width(const dc_geometry *g);

/// Writes the kernel as an [F, width] matrix (width = dc_transposed_kernel_width, the
/// padding zero): transposed[f, (ky·KW + kx)·C + c] = kernel[ky, kx, c, f].
void dc_transpose_kernel(const dc_geometry *g, const float *kernel, float *transposed);

/// gradient[ky, kx, c, f] += Σ_{n, gy, gx} image[n, pixel, c] · grid[n, gy, gx, f].
void dc_accumulate_kernel_gradient(const dc_geometry *g, const float *image, const float *grid,
                                   float *gradient, long first, long count);

/// Whether dc_correlate and dc_accumulate_kernel_gradient with `g` run the AVX2 + FMA kernels: the
/// CPU has them, `g->portableOnly` is zero and the filter count is a multiple of 8 (dc_scatter
/// runs them whenever the first two hold).
int dc_runs_avx2_kernels(const dc_geometry *g);

#endif
