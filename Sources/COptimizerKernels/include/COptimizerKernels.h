// Elementwise optimizer updates that Swift leaves scalar: Swift's Float.squareRoot() lowers to
// libm's sqrtf (which may set errno), so loops with square roots never use packed instructions,
// and Swift cannot prove that the parameter, gradient and state pointers of an update do not
// overlap, so even SGD's multiply-adds stay scalar (one float per instruction). These kernels compute exactly the same values as the scalar loops — IEEE square
// root and division are correctly rounded, and no multiply-add is fused — in 8-float AVX lanes
// where the CPU has AVX (chosen at run time) and in plain C otherwise.

#ifndef C_OPTIMIZER_KERNELS_H
#define C_OPTIMIZER_KERNELS_H

/// Adadelta (Zeiler 2012, Keras 2), for i in [0, count):
///   a ← ρ·a + (1 − ρ)·g²;  u ← g·√(d + ε) / √(a + ε);  θ ← θ − η·u;  d ← ρ·d + (1 − ρ)·u².
void ok_adadelta_update(float *parameter, const float *gradient, float *accumulatedGradient,
                        float *accumulatedUpdate, long count, float learningRate, float rho, float epsilon);

/// Adam (Kingma & Ba 2015, Keras 2), with the bias correction folded into `correctedRate`:
///   m ← β₁·m + (1 − β₁)·g;  v ← β₂·v + (1 − β₂)·g²;  θ ← θ − η̂·m / (√v + ε).
void ok_adam_update(float *parameter, const float *gradient, float *firstMoment, float *secondMoment,
                    long count, float correctedRate, float beta1, float beta2, float epsilon);

/// SGD with momentum (Keras 2), for i in [0, count):
///   v ← μ·v − η·g;  θ ← θ + v            (nesterov == 0)
///   v ← μ·v − η·g;  θ ← θ + μ·v − η·g    (nesterov != 0)
void ok_sgd_momentum_update(float *parameter, const float *gradient, float *velocity, long count,
                            float learningRate, float momentum, int nesterov);

/// Plain SGD, for i in [0, count):  θ ← θ − η·g.
void ok_sgd_update(float *parameter, const float *gradient, long count, float learningRate);

/// For tests: with a nonzero argument every call runs the plain C loops, also on CPUs with AVX;
/// zero restores the automatic choice. Affects all threads.
void ok_use_portable_kernels(int portableOnly);

#endif
