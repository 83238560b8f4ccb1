#include "COneDNN.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// MARK: - oneDNN 2.x declarations (dnnl_types.h)

typedef int dnnl_status_t;  // dnnl_success = 0
typedef int64_t dnnl_dim_t;
typedef dnnl_dim_t dnnl_dims_t[12];
typedef struct dnnl_opaque *dnnl_engine_t, *dnnl_stream_t, *dnnl_primitive_desc_t, *dnnl_primitive_t,
    *dnnl_primitive_attr_t, *dnnl_post_ops_t, *dnnl_memory_t;
typedef struct { int arg; dnnl_memory_t memory; } dnnl_exec_arg_t;
typedef struct { int major, minor, patch; const char *hash; unsigned cpu_runtime, gpu_runtime; } dnnl_version_t;

enum { dnnl_bf16 = 2, dnnl_f32 = 3, dnnl_u8 = 6 };
enum { dnnl_cpu = 1 };
enum { dnnl_stream_default_flags = 1 };
enum { dnnl_scratchpad_mode_user = 1 };
enum { dnnl_query_impl_info_str = 8, dnnl_query_scratchpad_md = 136 };
enum { DNNL_ARG_SRC = 1, DNNL_ARG_DST = 17, DNNL_ARG_WEIGHTS = 33, DNNL_ARG_SCRATCHPAD = 80 };

// dnnl_memory_desc_t is 696 bytes and dnnl_matmul_desc_t 2,800 in oneDNN 2.6; the buffers leave
// room for later 2.x releases (the soname promises the layout does not change within 2.x).
typedef struct { _Alignas(16) unsigned char bytes[1024]; } memory_desc;
typedef struct { _Alignas(16) unsigned char bytes[4096]; } matmul_desc;

static struct {
    dnnl_status_t (*engine_create)(dnnl_engine_t *, int, size_t);
    dnnl_status_t (*stream_create)(dnnl_stream_t *, dnnl_engine_t, unsigned);
    dnnl_status_t (*memory_desc_init_by_strides)(memory_desc *, int, const dnnl_dims_t, int, const dnnl_dims_t);
    size_t (*memory_desc_get_size)(const memory_desc *);
    dnnl_status_t (*matmul_desc_init)(matmul_desc *, const memory_desc *, const memory_desc *, const memory_desc *, const memory_desc *);
    dnnl_status_t (*primitive_attr_create)(dnnl_primitive_attr_t *);
    dnnl_status_t (*primitive_attr_destroy)(dnnl_primitive_attr_t);
    dnnl_status_t (*primitive_attr_set_scratchpad_mode)(dnnl_primitive_attr_t, int);
    dnnl_status_t (*primitive_attr_set_output_scales)(dnnl_primitive_attr_t, dnnl_dim_t, int, const float *);
    dnnl_status_t (*primitive_attr_set_post_ops)(dnnl_primitive_attr_t, dnnl_post_ops_t);
    dnnl_status_t (*post_ops_create)(dnnl_post_ops_t *);
    dnnl_status_t (*post_ops_destroy)(dnnl_post_ops_t);
    dnnl_status_t (*post_ops_append_sum)(dnnl_post_ops_t, float);
    dnnl_status_t (*primitive_desc_create)(dnnl_primitive_desc_t *, const void *, dnnl_primitive_attr_t, dnnl_engine_t, const void *);
    dnnl_status_t (*primitive_desc_destroy)(dnnl_primitive_desc_t);
    const memory_desc *(*primitive_desc_query_md)(dnnl_primitive_desc_t, int, int);
    dnnl_status_t (*primitive_desc_query)(dnnl_primitive_desc_t, int, int, void *);
    dnnl_status_t (*primitive_create)(dnnl_primitive_t *, dnnl_primitive_desc_t);
    dnnl_status_t (*primitive_destroy)(dnnl_primitive_t);
    dnnl_status_t (*primitive_execute)(dnnl_primitive_t, dnnl_stream_t, int, const dnnl_exec_arg_t *);
    dnnl_status_t (*memory_create)(dnnl_memory_t *, const memory_desc *, dnnl_engine_t, void *);
    dnnl_status_t (*memory_destroy)(dnnl_memory_t);
    const dnnl_version_t *(*version)(void);
    void (*omp_set_num_threads)(int);
} api;

static dnnl_engine_t engine;
static int loaded;
static char load_error[256];
static char version_string[32];
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void load(void) {
    // OpenMP threads that sleep as soon as a product ends, unless the environment says otherwise
    // (read by libgomp when dlopen loads it). Spinning idle threads took the cores from the
    // library's own helpers and from other processes: on two shared cores the dense epoch ran
    // several times slower with libgomp's default spinning (Documentation/Performance.md).
    if (!getenv("OMP_WAIT_POLICY") && !getenv("GOMP_SPINCOUNT")) setenv("OMP_WAIT_POLICY", "PASSIVE", 0);
    void *library = dlopen("libdnnl.so.2", RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        snprintf(load_error, sizeof load_error, "%s", dlerror());
        return;
    }
#define RESOLVE(field, symbol)                                                              \
    do {                                                                                    \
        *(void **)&api.field = dlsym(library, symbol);                                      \
        if (!api.field) {                                                                   \
            snprintf(load_error, sizeof load_error, "libdnnl.so.2 has no %s", symbol);      \
            return;                                                                         \
        }                                                                                   \
    } while (0)
    RESOLVE(engine_create, "dnnl_engine_create");
    RESOLVE(stream_create, "dnnl_stream_create");
    RESOLVE(memory_desc_init_by_strides, "dnnl_memory_desc_init_by_strides");
    RESOLVE(memory_desc_get_size, "dnnl_memory_desc_get_size");
    RESOLVE(matmul_desc_init, "dnnl_matmul_desc_init");
    RESOLVE(primitive_attr_create, "dnnl_primitive_attr_create");
    RESOLVE(primitive_attr_destroy, "dnnl_primitive_attr_destroy");
    RESOLVE(primitive_attr_set_scratchpad_mode, "dnnl_primitive_attr_set_scratchpad_mode");
    RESOLVE(primitive_attr_set_output_scales, "dnnl_primitive_attr_set_output_scales");
    RESOLVE(primitive_attr_set_post_ops, "dnnl_primitive_attr_set_post_ops");
    RESOLVE(post_ops_create, "dnnl_post_ops_create");
    RESOLVE(post_ops_destroy, "dnnl_post_ops_destroy");
    RESOLVE(post_ops_append_sum, "dnnl_post_ops_append_sum");
    RESOLVE(primitive_desc_create, "dnnl_primitive_desc_create");
    RESOLVE(primitive_desc_destroy, "dnnl_primitive_desc_destroy");
    RESOLVE(primitive_desc_query_md, "dnnl_primitive_desc_query_md");
    RESOLVE(primitive_desc_query, "dnnl_primitive_desc_query");
    RESOLVE(primitive_create, "dnnl_primitive_create");
    RESOLVE(primitive_destroy, "dnnl_primitive_destroy");
    RESOLVE(primitive_execute, "dnnl_primitive_execute");
    RESOLVE(memory_create, "dnnl_memory_create");
    RESOLVE(memory_destroy, "dnnl_memory_destroy");
    RESOLVE(version, "dnnl_version");
    // From the OpenMP runtime oneDNN depends on (libgomp in Debian's build); optional.
    *(void **)&api.omp_set_num_threads = dlsym(library, "omp_set_num_threads");
#undef RESOLVE
    const dnnl_version_t *v = api.version();
    if (v->major != 2) {
        snprintf(load_error, sizeof load_error, "libdnnl.so.2 reports version %d.%d", v->major, v->minor);
        return;
    }
    snprintf(version_string, sizeof version_string, "%d.%d.%d", v->major, v->minor, v->patch);
    // A descriptor of the largest rank must fit the opaque buffer (its size is at the end).
    memory_desc probe;
    dnnl_dims_t dims = {2, 3}, strides = {3, 1};
    if (api.memory_desc_init_by_strides(&probe, 2, dims, dnnl_f32, strides) != 0
        || api.memory_desc_get_size(&probe) != 24) {
        snprintf(load_error, sizeof load_error, "libdnnl.so.2 describes memory unlike oneDNN 2.x");
        return;
    }
    if (api.engine_create(&engine, dnnl_cpu, 0) != 0) {
        snprintf(load_error, sizeof load_error, "oneDNN could not create its CPU engine");
        return;
    }
    loaded = 1;
}

int dc_dnnl_load(void) {
    pthread_once(&load_once, load);
    return loaded;
}

const char *dc_dnnl_load_error(void) { return load_error; }

const char *dc_dnnl_version(void) { return version_string; }

// MARK: - Per-thread state

// An operand as stored: rows × columns with row stride ld (before transposition).
typedef struct { int64_t rows, columns, ld; } operand;

// oneDNN streams are not to be shared between threads; OpenMP's thread count is set per calling
// thread (an ICV of its implicit task) and only when it changes.
static __thread dnnl_stream_t thread_stream;
static __thread int thread_omp_threads;
static __thread void *thread_scratchpad, *thread_bf16_a, *thread_bf16_b;
static __thread size_t thread_scratchpad_size, thread_bf16_a_size, thread_bf16_b_size;

// Makes *buffer hold at least `size` bytes (64-byte aligned); returns 0 when out of memory.
static int reserve(void **buffer, size_t *capacity, size_t size) {
    if (size <= *capacity) return 1;
    free(*buffer);
    size_t rounded = (size + 4095) & ~(size_t)4095;
    *buffer = aligned_alloc(64, rounded);
    *capacity = *buffer ? rounded : 0;
    return *buffer != NULL;
}

static const void *to_bf16_copy(const float *source, operand o, void **buffer, size_t *capacity) {
    if (!reserve(buffer, capacity, (size_t)(o.rows * o.columns) * sizeof(uint16_t))) return NULL;
    dc_convert_block_to_bf16(source, (size_t)o.rows, (size_t)o.columns, (size_t)o.ld, *buffer);
    return *buffer;
}

static void use_threads(int threads) {
    if (threads != thread_omp_threads && api.omp_set_num_threads) {
        api.omp_set_num_threads(threads);
        thread_omp_threads = threads;
    }
}

// MARK: - Matmul

struct dc_dnnl_matmul {
    dnnl_primitive_t primitive;
    memory_desc a, b, c, scratchpad;
    size_t scratchpad_size;
    int threads, bf16;
    operand stored_a, stored_b;  // what execute converts to packed bf16
    char implementation[64];
};

static void describe(memory_desc *md, int64_t rows, int64_t columns, int transposed, int64_t ld, int type) {
    dnnl_dims_t dims = {rows, columns};
    dnnl_dims_t strides = {transposed ? 1 : ld, transposed ? ld : 1};
    api.memory_desc_init_by_strides(md, 2, dims, type, strides);
}

dc_dnnl_matmul *dc_dnnl_matmul_create(
    int64_t m, int64_t n, int64_t k, int transposeA, int transposeB,
    int64_t lda, int64_t ldb, int64_t ldc, float alpha, float beta, int bf16, int threads) {
    if (!dc_dnnl_load()) return NULL;
    dc_dnnl_matmul *matmul = calloc(1, sizeof *matmul);
    if (!matmul) return NULL;
    matmul->bf16 = bf16;
    matmul->stored_a = (operand){transposeA ? k : m, transposeA ? m : k, lda};
    matmul->stored_b = (operand){transposeB ? n : k, transposeB ? k : n, ldb};
    // bf16 operands are converted into packed copies, so their row strides are their widths.
    int type = bf16 ? dnnl_bf16 : dnnl_f32;
    describe(&matmul->a, m, k, transposeA, bf16 ? matmul->stored_a.columns : lda, type);
    describe(&matmul->b, k, n, transposeB, bf16 ? matmul->stored_b.columns : ldb, type);
    describe(&matmul->c, m, n, 0, ldc, dnnl_f32);
    matmul_desc desc;
    dnnl_primitive_attr_t attr = NULL;
    dnnl_post_ops_t post_ops = NULL;
    dnnl_primitive_desc_t pd = NULL;
    int ok = api.matmul_desc_init(&desc, &matmul->a, &matmul->b, NULL, &matmul->c) == 0
        && api.primitive_attr_create(&attr) == 0
        && api.primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user) == 0;
    if (ok && alpha != 1) ok = api.primitive_attr_set_output_scales(attr, 1, 0, &alpha) == 0;
    if (ok && beta != 0) {
        ok = api.post_ops_create(&post_ops) == 0 && api.post_ops_append_sum(post_ops, beta) == 0
            && api.primitive_attr_set_post_ops(attr, post_ops) == 0;
    }
    use_threads(threads);
    ok = ok && api.primitive_desc_create(&pd, &desc, attr, engine, NULL) == 0;
    if (ok) {
        // The scratchpad is described as plain bytes of the size the primitive asks for (only
        // its address is used), so no descriptor of unknown length is copied.
        matmul->scratchpad_size = api.memory_desc_get_size(api.primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0));
        dnnl_dims_t bytes = {(dnnl_dim_t)matmul->scratchpad_size}, unit = {1};
        api.memory_desc_init_by_strides(&matmul->scratchpad, 1, bytes, dnnl_u8, unit);
        const char *name = NULL;
        if (api.primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &name) == 0 && name) {
            snprintf(matmul->implementation, sizeof matmul->implementation, "%s", name);
        }
        ok = api.primitive_create(&matmul->primitive, pd) == 0;
    }
    if (pd) api.primitive_desc_destroy(pd);
    if (post_ops) api.post_ops_destroy(post_ops);
    if (attr) api.primitive_attr_destroy(attr);
    if (!ok) {
        free(matmul);
        return NULL;
    }
    matmul->threads = threads;
    return matmul;
}

int dc_dnnl_matmul_execute(const dc_dnnl_matmul *matmul, const float *a, const float *b, float *c) {
    if (!thread_stream) {
        int status = api.stream_create(&thread_stream, engine, dnnl_stream_default_flags);
        if (status != 0) return status;
    }
    if (!reserve(&thread_scratchpad, &thread_scratchpad_size, matmul->scratchpad_size)) return -1;
    const void *src = a, *weights = b;
    if (matmul->bf16) {
        src = to_bf16_copy(a, matmul->stored_a, &thread_bf16_a, &thread_bf16_a_size);
        weights = to_bf16_copy(b, matmul->stored_b, &thread_bf16_b, &thread_bf16_b_size);
        if (!src || !weights) return -1;
    }
    use_threads(matmul->threads);
    dnnl_memory_t memory[4] = {NULL, NULL, NULL, NULL};
    int status = api.memory_create(&memory[0], &matmul->a, engine, (void *)src);
    if (status == 0) status = api.memory_create(&memory[1], &matmul->b, engine, (void *)weights);
    if (status == 0) status = api.memory_create(&memory[2], &matmul->c, engine, c);
    int nargs = 3;
    if (status == 0 && matmul->scratchpad_size > 0) {
        status = api.memory_create(&memory[3], &matmul->scratchpad, engine, thread_scratchpad);
        nargs = 4;
    }
    if (status == 0) {
        dnnl_exec_arg_t args[4] = {
            {DNNL_ARG_SRC, memory[0]}, {DNNL_ARG_WEIGHTS, memory[1]}, {DNNL_ARG_DST, memory[2]},
            {DNNL_ARG_SCRATCHPAD, memory[3]},
        };
        status = api.primitive_execute(matmul->primitive, thread_stream, nargs, args);
    }
    for (int i = 0; i < 4; i++) {
        if (memory[i]) api.memory_destroy(memory[i]);
    }
    return status;
}

const char *dc_dnnl_matmul_implementation(const dc_dnnl_matmul *matmul) { return matmul->implementation; }

void dc_dnnl_matmul_destroy(dc_dnnl_matmul *matmul) {
    if (!matmul) return;
    if (matmul->primitive) api.primitive_destroy(matmul->primitive);
    free(matmul);
}
