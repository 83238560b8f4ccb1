// Shim for the system zlib (Debian: zlib1g-dev), used to read gzip-compressed IDX files.
#ifndef DEEPCLUSTERING_CZLIB_SHIM_H
#define DEEPCLUSTERING_CZLIB_SHIM_H

#include <zlib.h>

#endif // DEEPCLUSTERING_CZLIB_SHIM_H
