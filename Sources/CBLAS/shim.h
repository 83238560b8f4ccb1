// Shim for the CBLAS system-library target.
//
// The include guard is deliberately distinct from OpenBLAS's own `CBLAS_H` guard so that
// including this file never hides, or is hidden by, the real <cblas.h>. The pkg-config file
// `openblas.pc` puts OpenBLAS's include directory first, so this resolves to OpenBLAS's header;
// the module map links `libopenblas` itself (never the `libblas` alternative, which on Debian
// may be the netlib reference implementation, about 40 times slower).
#ifndef DEEPCLUSTERING_CBLAS_SHIM_H
#define DEEPCLUSTERING_CBLAS_SHIM_H

#include <cblas.h>

#endif // DEEPCLUSTERING_CBLAS_SHIM_H
