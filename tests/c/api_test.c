/* C99 exercise of the panelprep C API: file mode, streaming mode (random push sizes, output
 * compared byte for byte with file mode), options, errors (bad path, malformed FASTQ, NULL
 * arguments, misuse), cancellation (progress callback, token set before a run, token set by
 * another thread during a stream) and ownership (every object freed: run under valgrind).
 *
 * The JSON options below (TRIM_JSON, COVERAGE_JSON) are the CLI flags tests/c_api.rs passes to
 * `panelprep trim` / `panelprep coverage` on the same inputs: it compares the outputs.
 *
 * Usage: api_test DIR — DIR holds the inputs written by tests/c_api.rs:
 *   se.fq (plain), se.fq.gz (multi-member gzip of se.fq), r1.fq.gz, r2.fq.gz (gzip pairs),
 *   bad.fq (malformed at record 3), demo_R1.fq.gz and demo_R2.fq.gz (tests/data: real-looking
 *   pairs with adapters, for the trimming options). Outputs are written to DIR too.
 * Prints "key=value" result lines for the harness and "ALL PASSED" last; exit status is the
 * number of failed checks.
 */
#define _POSIX_C_SOURCE 200809L

#include "panelprep.h"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int failures = 0;

/* The same options as `panelprep trim --adapter_sequence AGATCGGAAGAGC --cut_tail --trim_poly_x
 * --length_required 30 --umi --umi_loc read1 --umi_len 8`. */
static const char *const TRIM_JSON =
    "{\"adapter_sequence\":\"AGATCGGAAGAGC\",\"cut_tail\":true,\"trim_poly_x\":true,"
    "\"length_required\":30,\"umi\":true,\"umi_loc\":\"read1\",\"umi_len\":8}";

/* The same options as `panelprep coverage --preset picard-hs -T 10,30 -Q 10 --low-coverage 50
 * -t 1 --gate 'mean_target_coverage<=1000000'`. */
static const char *const COVERAGE_JSON =
    "{\"preset\":\"picard-hs\",\"thresholds\":[10,30],\"mapq\":10,\"low-coverage\":50,"
    "\"threads\":1,\"gate\":[\"mean_target_coverage<=1000000\"]}";

#define CHECK(cond)                                                                       \
    do {                                                                                  \
        if (!(cond)) {                                                                    \
            fprintf(stderr, "FAIL %s:%d: %s (last error: %s)\n", __FILE__, __LINE__, #cond, \
                    pp_last_error_message());                                             \
            failures++;                                                                   \
        }                                                                                 \
    } while (0)

#define CHECK_STATUS(call, want)                                                            \
    do {                                                                                    \
        pp_status got_ = (call);                                                            \
        if (got_ != (want)) {                                                               \
            fprintf(stderr, "FAIL %s:%d: %s returned %d, want %d (last error: %s)\n", __FILE__, \
                    __LINE__, #call, (int)got_, (int)(want), pp_last_error_message());     \
            failures++;                                                                     \
        }                                                                                   \
    } while (0)

#define CHECK_OK(call) CHECK_STATUS(call, PP_STATUS_OK)

/* A growable byte buffer. */
typedef struct {
    unsigned char *data;
    size_t len, cap;
} buffer;

static void buffer_append(buffer *b, const unsigned char *data, size_t len) {
    if (b->len + len > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + len) cap *= 2;
        unsigned char *grown = (unsigned char *)realloc(b->data, cap);
        if (!grown) {
            fprintf(stderr, "out of memory\n");
            exit(99);
        }
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, len);
    b->len += len;
}

static void buffer_free(buffer *b) {
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

static buffer read_file(const char *path) {
    buffer b = {NULL, 0, 0};
    FILE *f = fopen(path, "rb");
    unsigned char chunk[65536];
    size_t n;
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        failures++;
        return b;
    }
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) buffer_append(&b, chunk, n);
    fclose(f);
    return b;
}

static int file_exists(const char *path) {
    FILE *f = fopen(path, "rb");
    if (f) fclose(f);
    return f != NULL;
}

static char dir[4096];

static const char *in_dir(const char *name) {
    static char paths[8][4200];
    static int next = 0;
    char *p = paths[next++ % 8];
    snprintf(p, sizeof paths[0], "%s/%s", dir, name);
    return p;
}

/* Deterministic pseudo-random numbers (the same sequence on every platform). */
static unsigned long long rng_state = 88172645463325252ULL;
static size_t rng_below(size_t n) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return n ? (size_t)(rng_state % n) : 0;
}

static int append_cb(void *userdata, const uint8_t *data, size_t len) {
    buffer_append((buffer *)userdata, data, len);
    return 0;
}

static int failing_cb(void *userdata, const uint8_t *data, size_t len) {
    (void)userdata;
    (void)data;
    (void)len;
    return 42;
}

static int progress_calls = 0;
static int cancel_at_start(void *userdata, uint64_t records, uint64_t bytes) {
    (void)userdata;
    (void)records;
    (void)bytes;
    progress_calls++;
    return 1;
}

static uint64_t last_records = 0;
static int count_progress(void *userdata, uint64_t records, uint64_t bytes) {
    (void)bytes;
    ++*(int *)userdata;
    last_records = records;
    return 0;
}

/* The report's numbers. */
typedef struct {
    uint64_t reads_in, bases_in, reads_out, bases_out, q30_out, bytes_out;
    bool paired;
} numbers;

static numbers report_numbers(const char *name, const pp_report *r) {
    numbers n;
    memset(&n, 0, sizeof n);
    CHECK_OK(pp_report_reads_in(r, &n.reads_in));
    CHECK_OK(pp_report_bases_in(r, &n.bases_in));
    CHECK_OK(pp_report_reads_out(r, &n.reads_out));
    CHECK_OK(pp_report_bases_out(r, &n.bases_out));
    CHECK_OK(pp_report_q30_bases_out(r, &n.q30_out));
    CHECK_OK(pp_report_bytes_out(r, &n.bytes_out));
    CHECK_OK(pp_report_paired(r, &n.paired));
    CHECK(n.reads_out <= n.reads_in);
    CHECK(n.q30_out <= n.bases_out);
    printf("%s reads_in=%llu bases_in=%llu reads_out=%llu bases_out=%llu paired=%d\n", name,
           (unsigned long long)n.reads_in, (unsigned long long)n.bases_in,
           (unsigned long long)n.reads_out, (unsigned long long)n.bases_out, n.paired ? 1 : 0);
    return n;
}

static void stream_and_compare(const char *name, const pp_options *o, uint32_t n,
                               const char *const *in_names, const char *ext, size_t max_piece);

/* Pushes `n` inputs in random pieces of 0..max_piece bytes, switching inputs at random. */
static pp_status push_randomly(pp_stream *s, buffer *inputs, size_t n, size_t max_piece) {
    size_t pos[2] = {0, 0};
    for (;;) {
        size_t i = rng_below(n), len;
        pp_status st;
        if (pos[0] == inputs[0].len && (n == 1 || pos[1] == inputs[1].len)) return PP_STATUS_OK;
        if (pos[i] == inputs[i].len) i = 1 - i;
        len = rng_below(max_piece + 1);
        if (len > inputs[i].len - pos[i]) len = inputs[i].len - pos[i];
        st = pp_stream_push(s, (uint32_t)i, inputs[i].data + pos[i], len);
        if (st != PP_STATUS_OK) return st;
        pos[i] += len;
    }
}

static void test_version_and_options(void) {
    pp_options *o = NULL, *copy = NULL;
    char *json = NULL, *again = NULL;
    char want[32];
    snprintf(want, sizeof want, "%d.%d.%d", PP_VERSION_MAJOR, PP_VERSION_MINOR, PP_VERSION_PATCH);
    CHECK(strcmp(pp_version(), want) == 0);
    printf("version=%s\n", pp_version());
    /* The numeric version, as ZLIB_VERNUM / HTS_VERSION: header and library agree. */
    CHECK(PP_VERSION_NUMBER == PP_VERSION_MAJOR * 10000 + PP_VERSION_MINOR * 100 + PP_VERSION_PATCH);
    CHECK(pp_version_number() == PP_VERSION_NUMBER);
    printf("version_number=%u\n", (unsigned)pp_version_number());

    CHECK_OK(pp_options_new(&o));
    CHECK_OK(pp_options_set_threads(o, 3));
    CHECK_OK(pp_options_set_compression_level(o, 6));
    CHECK_OK(pp_options_set_phred64(o, false));
    CHECK_OK(pp_options_set_allow_empty(o, false));
    CHECK_STATUS(pp_options_set_threads(o, 0), PP_STATUS_INVALID_OPTION);
    CHECK(strstr(pp_last_error_message(), "threads") != NULL);
    CHECK_STATUS(pp_options_set_compression_level(o, 13), PP_STATUS_INVALID_OPTION);
    CHECK_OK(pp_options_set_json(o, "{\"thread\": 4, \"compress\": null, \"allow-empty\": false}"));
    CHECK_STATUS(pp_options_set_json(o, "{\"no_such_option\": 1}"), PP_STATUS_INVALID_OPTION);
    CHECK(strstr(pp_last_error_message(), "no_such_option") != NULL);
    CHECK_STATUS(pp_options_set_json(o, "{\"thread\": \"many\"}"), PP_STATUS_INVALID_OPTION);
    CHECK_STATUS(pp_options_set_json(o, "{\"thread\": 999}"), PP_STATUS_INVALID_OPTION);
    CHECK_STATUS(pp_options_set_json(o, "not json"), PP_STATUS_INVALID_OPTION);
    CHECK_STATUS(pp_options_set_json(o, "\"\xff\""), PP_STATUS_INVALID_UTF8);
    CHECK_OK(pp_options_to_json(o, &json));
    /* Failed setters changed nothing: still 4 threads and level 6. */
    CHECK(json && strstr(json, "\"thread\":4") != NULL);
    CHECK(json && strstr(json, "\"compression\":6") != NULL);
    printf("options=%s\n", json ? json : "(null)");
    pp_string_free(json);
    json = NULL;

    /* Every trimming option of the CLI is a key; errors name the key and change nothing. */
    CHECK_OK(pp_options_set_json(o, TRIM_JSON));
    CHECK_STATUS(pp_options_set_json(o, "{\"cut_tail\": false, \"cut_tails\": true}"),
                 PP_STATUS_INVALID_OPTION);
    CHECK(strstr(pp_last_error_message(), "cut_tails") != NULL);
    CHECK_STATUS(pp_options_set_json(o, "{\"umi_loc\": 5}"), PP_STATUS_INVALID_OPTION);
    CHECK(strstr(pp_last_error_message(), "umi_loc") != NULL);
    CHECK_STATUS(pp_options_set_json(o, "{\"adapter_error_rate\": 0.9}"), PP_STATUS_INVALID_OPTION);
    CHECK(strstr(pp_last_error_message(), "adapter_error_rate") != NULL);
    CHECK_STATUS(pp_options_set_json(o, "{\"umi_len\": 0}"), PP_STATUS_INVALID_OPTION);
    CHECK(strstr(pp_last_error_message(), "umi_len") != NULL);
    printf("bad_value_message=%s\n", pp_last_error_message());
    CHECK_OK(pp_options_to_json(o, &json));
    CHECK(json && strstr(json, "\"cut_tail\":true") != NULL);
    CHECK(json && strstr(json, "\"umi_loc\":\"read1\"") != NULL);
    CHECK(json && strstr(json, "\"umi_len\":8") != NULL);
    CHECK(json && strstr(json, "\"adapter_error_rate\":0.1") != NULL);
    /* The JSON read back sets the same options on new ones. */
    CHECK_OK(pp_options_new(&copy));
    CHECK_OK(pp_options_set_json(copy, json));
    CHECK_OK(pp_options_to_json(copy, &again));
    CHECK(json && again && strcmp(json, again) == 0);
    pp_string_free(again);
    pp_string_free(json);
    json = NULL;
    pp_options_free(copy);

    /* Typed setters for the common trimming options. */
    CHECK_OK(pp_options_set_adapter_sequence(o, "CTGTCTCTTATA"));
    CHECK_OK(pp_options_set_adapter_sequence_r2(o, NULL));
    CHECK_OK(pp_options_set_length_required(o, 50));
    CHECK_OK(pp_options_set_trim_poly_g(o, true));
    CHECK_OK(pp_options_set_passthrough(o, true));
    CHECK_STATUS(pp_options_set_adapter_sequence(NULL, "ACGT"), PP_STATUS_NULL_ARGUMENT);
    CHECK_OK(pp_options_to_json(o, &json));
    CHECK(json && strstr(json, "\"adapter_sequence\":\"CTGTCTCTTATA\"") != NULL);
    CHECK(json && strstr(json, "\"adapter_sequence_r2\":\"auto\"") != NULL);
    CHECK(json && strstr(json, "\"length_required\":50") != NULL);
    CHECK(json && strstr(json, "\"trim_poly_g\":true") != NULL);
    CHECK(json && strstr(json, "\"passthrough\":true") != NULL);
    pp_string_free(json);
    pp_options_free(o);
}

/* The trimming options of TRIM_JSON in file mode, single-end and paired; tests/c_api.rs
 * compares the outputs with the CLI's. Then streamed: identical to file mode. */
static void test_json_options(void) {
    pp_options *o = NULL;
    const pp_report *r = NULL;
    const char *se_gz_in[1] = {"demo_R1.fq.gz"};
    CHECK_OK(pp_options_new(&o));
    CHECK_OK(pp_options_set_json(o, TRIM_JSON));
    CHECK_OK(pp_run_se(o, in_dir("demo_R1.fq.gz"), in_dir("json_se.fq.gz"), &r));
    report_numbers("json_se", r);
    pp_report_free(r);
    r = NULL;
    CHECK_OK(pp_run_pe(o, in_dir("demo_R1.fq.gz"), in_dir("demo_R2.fq.gz"),
                       in_dir("json_r1.fq.gz"), in_dir("json_r2.fq.gz"), &r));
    report_numbers("json_pe", r);
    pp_report_free(r);
    stream_and_compare("stream_json", o, 1, se_gz_in, ".fq", 3000);
    pp_options_free(o);
}

static void test_null_arguments(void) {
    pp_options *o = NULL;
    const pp_report *r = NULL;
    pp_stream *s = NULL;
    uint64_t v = 0;
    CHECK_OK(pp_options_new(&o));
    CHECK_STATUS(pp_options_new(NULL), PP_STATUS_NULL_ARGUMENT);
    CHECK(strstr(pp_last_error_message(), "options_out") != NULL);
    CHECK_STATUS(pp_options_set_threads(NULL, 2), PP_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(pp_options_set_json(o, NULL), PP_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(pp_options_to_json(o, NULL), PP_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(pp_run_se(NULL, in_dir("se.fq"), NULL, &r), PP_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(pp_run_se(o, NULL, NULL, &r), PP_STATUS_NULL_ARGUMENT);
    CHECK(strstr(pp_last_error_message(), "in1") != NULL);
    CHECK_STATUS(pp_run_se(o, in_dir("se.fq"), NULL, NULL), PP_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(pp_run_pe(o, in_dir("r1.fq.gz"), NULL, NULL, NULL, &r), PP_STATUS_NULL_ARGUMENT);
    CHECK(r == NULL);
    CHECK_STATUS(pp_stream_open(NULL, 1, NULL, NULL, NULL, NULL, &s), PP_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(pp_stream_open(o, 1, NULL, NULL, NULL, NULL, NULL), PP_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(pp_stream_push(NULL, 0, (const uint8_t *)"@", 1), PP_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(pp_stream_finish(NULL, &r), PP_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(pp_report_reads_in(NULL, &v), PP_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(pp_report_json(NULL, NULL), PP_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(pp_cancel_token_new(NULL), PP_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(pp_cancel_token_cancel(NULL), PP_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(pp_validate_file(NULL, 1, &v), PP_STATUS_NULL_ARGUMENT);
    /* NULL data is fine with length 0 only. */
    CHECK_OK(pp_stream_open(o, 1, NULL, NULL, NULL, NULL, &s));
    CHECK_OK(pp_stream_push(s, 0, NULL, 0));
    CHECK_STATUS(pp_stream_push(s, 0, NULL, 5), PP_STATUS_NULL_ARGUMENT);
    pp_stream_free(s);
    /* Every _free accepts NULL. */
    pp_options_free(NULL);
    pp_report_free(NULL);
    pp_stream_free(NULL);
    pp_string_free(NULL);
    pp_cancel_token_free(NULL);
    pp_options_free(o);
    printf("null_arguments=ok\n");
}

static void test_file_mode(void) {
    pp_options *o = NULL;
    const pp_report *r = NULL;
    char *json = NULL;
    uint64_t records = 0, v = 0;
    numbers n;
    CHECK_OK(pp_options_new(&o));
    /* Validation-only runs: outputs must equal the inputs byte for byte. */
    CHECK_OK(pp_options_set_json(o, "{\"passthrough\": true}"));
    CHECK_OK(pp_options_set_threads(o, 2));
    CHECK_OK(pp_options_set_checksums(o, true));

    CHECK_OK(pp_run_se(o, in_dir("se.fq.gz"), in_dir("file_se.fq"), &r));
    n = report_numbers("file_se", r);
    CHECK(n.bytes_out > 0 && !n.paired);
    CHECK_OK(pp_report_summary_json(r, &json));
    CHECK(json && strstr(json, "\"format\":\"gzip\"") != NULL);
    CHECK(json && strstr(json, "\"md5\":\"") != NULL);
    pp_string_free(json);
    json = NULL;
    CHECK_OK(pp_report_json(r, &json));
    CHECK(json && strstr(json, "\"before_filtering\"") != NULL);
    CHECK(json && strstr(json, "\"filtering_result\"") != NULL);
    pp_string_free(json);
    json = NULL;
    pp_report_free(r);
    r = NULL;

    CHECK_OK(pp_run_pe(o, in_dir("r1.fq.gz"), in_dir("r2.fq.gz"), in_dir("file_r1.fq.gz"),
                       in_dir("file_r2.fq.gz"), &r));
    n = report_numbers("file_pe", r);
    CHECK(n.paired);
    pp_report_free(r);
    r = NULL;

    /* Paired input to one interleaved output, then read back as interleaved input, output
     * discarded. */
    CHECK_OK(pp_run_pe(o, in_dir("r1.fq.gz"), in_dir("r2.fq.gz"), in_dir("file_il.fq"), NULL, &r));
    pp_report_free(r);
    r = NULL;
    CHECK_OK(pp_options_set_interleaved_in(o, true));
    CHECK_OK(pp_run_se(o, in_dir("file_il.fq"), NULL, &r));
    n = report_numbers("file_interleaved", r);
    CHECK(n.bytes_out == 0 && n.paired);
    pp_report_free(r);
    r = NULL;

    /* Without statistics: counts only. */
    CHECK_OK(pp_options_set_json(o, "{\"interleaved_in\": false, \"stats\": false}"));
    CHECK_OK(pp_run_se(o, in_dir("se.fq"), NULL, &r));
    CHECK_OK(pp_report_reads_in(r, &v));
    CHECK_STATUS(pp_report_reads_out(r, &v), PP_STATUS_INVALID_STATE);
    CHECK_STATUS(pp_report_json(r, &json), PP_STATUS_INVALID_STATE);
    CHECK(json == NULL);
    pp_report_free(r);

    CHECK_OK(pp_validate_file(in_dir("se.fq"), 0, &records));
    printf("validate_records=%llu\n", (unsigned long long)records);
    pp_options_free(o);
}

/* Runs file mode on `in_names` to "<name>_N<ext>", then streams the same input in random
 * pieces of up to `max_piece` bytes: the streamed output and report must equal file mode's. */
static void stream_and_compare(const char *name, const pp_options *o, uint32_t n,
                               const char *const *in_names, const char *ext, size_t max_piece) {
    buffer inputs[2] = {{NULL, 0, 0}, {NULL, 0, 0}};
    buffer outs[2] = {{NULL, 0, 0}, {NULL, 0, 0}};
    char out_names[2][256];
    char label[300];
    pp_stream *s = NULL;
    const pp_report *file_report = NULL, *stream_report = NULL;
    numbers fn, sn;
    uint32_t i;
    for (i = 0; i < n; i++) snprintf(out_names[i], sizeof out_names[i], "%s_%u%s", name, i + 1, ext);
    if (n == 1) {
        CHECK_OK(pp_run_se(o, in_dir(in_names[0]), in_dir(out_names[0]), &file_report));
    } else {
        CHECK_OK(pp_run_pe(o, in_dir(in_names[0]), in_dir(in_names[1]), in_dir(out_names[0]),
                           in_dir(out_names[1]), &file_report));
    }
    for (i = 0; i < n; i++) inputs[i] = read_file(in_dir(in_names[i]));
    CHECK_OK(pp_stream_open(o, n, append_cb, &outs[0], n == 2 ? append_cb : NULL,
                            n == 2 ? &outs[1] : NULL, &s));
    CHECK_OK(push_randomly(s, inputs, n, max_piece));
    CHECK_OK(pp_stream_finish(s, &stream_report));
    if (file_report && stream_report) {
        snprintf(label, sizeof label, "%s_file", name);
        fn = report_numbers(label, file_report);
        snprintf(label, sizeof label, "%s_stream", name);
        sn = report_numbers(label, stream_report);
        CHECK(fn.reads_in == sn.reads_in && fn.bases_in == sn.bases_in);
        CHECK(fn.reads_out == sn.reads_out && fn.bases_out == sn.bases_out);
        CHECK(fn.q30_out == sn.q30_out && fn.bytes_out == sn.bytes_out);
    }
    for (i = 0; i < n; i++) {
        buffer want = read_file(in_dir(out_names[i]));
        int same = outs[i].len == want.len && memcmp(outs[i].data, want.data, want.len) == 0;
        CHECK(want.len > 0);
        CHECK(same);
        printf("%s_out%u_bytes=%llu identical=%d\n", name, i + 1, (unsigned long long)outs[i].len,
               same);
        buffer_free(&want);
        buffer_free(&outs[i]);
        buffer_free(&inputs[i]);
    }
    /* Misuse after finish: a state error, and the session is still freed normally. */
    CHECK_STATUS(pp_stream_push(s, 0, (const uint8_t *)"@", 1), PP_STATUS_INVALID_STATE);
    pp_report_free(file_report);
    pp_report_free(stream_report);
    pp_stream_free(s);
}

static void test_streaming(void) {
    pp_options *o = NULL;
    const char *pe_in[2] = {"r1.fq.gz", "r2.fq.gz"};
    const char *se_in[1] = {"se.fq"};
    const char *se_gz_in[1] = {"se.fq.gz"};
    int calls = 0;
    CHECK_OK(pp_options_new(&o));
    CHECK_OK(pp_options_set_json(o, "{\"passthrough\": true}"));
    CHECK_OK(pp_options_set_threads(o, 3));
    CHECK_OK(pp_options_set_progress(o, count_progress, &calls, 1));
    /* Plain single-end input in tiny pieces, plain output. */
    stream_and_compare("stream_se", o, 1, se_in, ".fq", 7);
    /* Multi-member gzip input in larger pieces. */
    stream_and_compare("stream_se_gz", o, 1, se_gz_in, ".fq", 5000);
    CHECK(calls >= 2);
    CHECK(last_records > 0);
    /* Paired gzip input, BGZF output (forced, as streams have no file name). */
    CHECK_OK(pp_options_set_compress(o, true));
    stream_and_compare("stream_pe", o, 2, pe_in, ".fq.gz", 100000);
    pp_options_free(o);
}

/* Pull mode: pulls every output into `outs` until it gives 0 bytes, with a small buffer. */
static pp_status pull_all(pp_stream *s, uint32_t outputs, buffer *outs) {
    uint8_t chunk[997];
    uint32_t o;
    for (o = 0; o < outputs; o++) {
        for (;;) {
            size_t written = 1234;
            pp_status st = pp_stream_pull(s, o, chunk, sizeof chunk, &written);
            if (st != PP_STATUS_OK) return st;
            if (written == 0) break;
            CHECK(written <= sizeof chunk);
            buffer_append(&outs[o], chunk, written);
        }
    }
    return PP_STATUS_OK;
}

/* Pull mode (no callbacks) on `n` inputs in random pieces: the pulled bytes equal the file-mode
 * outputs `want_names` written by stream_and_compare with the same options. Prints
 * "<name> same=1". */
static void pull_and_compare(const char *name, const pp_options *o, uint32_t n,
                             const char *const *in_names, const char *const *want_names,
                             size_t max_piece) {
    buffer inputs[2] = {{NULL, 0, 0}, {NULL, 0, 0}};
    buffer outs[2] = {{NULL, 0, 0}, {NULL, 0, 0}};
    size_t pos[2] = {0, 0};
    pp_stream *s = NULL;
    const pp_report *r = NULL;
    pp_status st = PP_STATUS_OK;
    int same = 1, refused = 0;
    uint32_t i;
    for (i = 0; i < n; i++) inputs[i] = read_file(in_dir(in_names[i]));
    CHECK_OK(pp_stream_open_pull(o, n, n, &s));
    while (s && (pos[0] < inputs[0].len || (n == 2 && pos[1] < inputs[1].len))) {
        size_t k = rng_below(n), len;
        if (pos[k] == inputs[k].len) k = 1 - k;
        len = rng_below(max_piece + 1);
        if (len > inputs[k].len - pos[k]) len = inputs[k].len - pos[k];
        st = pp_stream_push(s, (uint32_t)k, inputs[k].data + pos[k], len);
        if (st == PP_STATUS_OK) {
            pos[k] += len;
        } else if (st == PP_STATUS_WOULD_BLOCK) {
            refused++;
        } else {
            break;
        }
        st = pull_all(s, n, outs);
        if (st != PP_STATUS_OK) break;
    }
    CHECK_OK(st);
    while (s && (st = pp_stream_finish(s, &r)) == PP_STATUS_WOULD_BLOCK) CHECK_OK(pull_all(s, n, outs));
    CHECK_OK(st);
    CHECK(r != NULL);
    for (i = 0; i < n; i++) {
        buffer want = read_file(in_dir(want_names[i]));
        same = same && want.len > 0 && outs[i].len == want.len &&
               memcmp(outs[i].data, want.data, want.len) == 0;
        buffer_free(&want);
    }
    CHECK(same);
    printf("%s same=%d refused_pushes=%d\n", name, same, refused);
    /* After finish: nothing more to pull, and no more input. */
    {
        size_t written = 7;
        uint8_t one[1];
        CHECK_OK(pp_stream_pull(s, 0, one, 1, &written));
        CHECK(written == 0);
        CHECK_STATUS(pp_stream_push(s, 0, one, 1), PP_STATUS_INVALID_STATE);
    }
    for (i = 0; i < n; i++) {
        buffer_free(&inputs[i]);
        buffer_free(&outs[i]);
    }
    pp_report_free(r);
    pp_stream_free(s);
}

static void test_pull_mode(void) {
    pp_options *o = NULL;
    pp_stream *s = NULL;
    size_t written = 0;
    uint8_t byte[1];
    const char *pe_in[2] = {"r1.fq.gz", "r2.fq.gz"};
    const char *pe_want[2] = {"stream_pe_1.fq.gz", "stream_pe_2.fq.gz"};
    const char *se_in[1] = {"se.fq.gz"};
    const char *se_want[1] = {"stream_se_gz_1.fq"};
    CHECK_OK(pp_options_new(&o));
    CHECK_OK(pp_options_set_json(o, "{\"passthrough\": true}"));
    CHECK_OK(pp_options_set_threads(o, 2));
    /* The smallest memory limit (64 KiB queued per side): pushes get refused, output is the
     * same. */
    CHECK_OK(pp_options_set_memory_limit(o, 1));
    pull_and_compare("pull_se", o, 1, se_in, se_want, 50000);
    CHECK_OK(pp_options_set_memory_limit(o, 0));
    CHECK_OK(pp_options_set_compress(o, true));
    pull_and_compare("pull_pe", o, 2, pe_in, pe_want, 100000);

    /* Misuse: NULL arguments, a pull on a callback session, an output out of range. */
    CHECK_STATUS(pp_stream_open_pull(NULL, 1, 1, &s), PP_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(pp_stream_open_pull(o, 1, 1, NULL), PP_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(pp_stream_open_pull(o, 1, 2, &s), PP_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(pp_stream_pull(NULL, 0, byte, 1, &written), PP_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(pp_options_set_memory_limit(NULL, 1), PP_STATUS_NULL_ARGUMENT);
    CHECK_OK(pp_stream_open(o, 1, append_cb, NULL, NULL, NULL, &s));
    CHECK_STATUS(pp_stream_pull(s, 0, byte, 1, &written), PP_STATUS_INVALID_STATE);
    pp_stream_free(s);
    s = NULL;
    CHECK_OK(pp_stream_open_pull(o, 1, 1, &s));
    CHECK_STATUS(pp_stream_pull(s, 0, NULL, 1, &written), PP_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(pp_stream_pull(s, 0, byte, 1, NULL), PP_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(pp_stream_pull(s, 1, byte, 1, &written), PP_STATUS_INVALID_ARGUMENT);
    CHECK_OK(pp_stream_pull(s, 0, NULL, 0, &written));
    CHECK(written == 0);
    pp_stream_free(s); /* unfinished: aborted */
    pp_options_free(o);
    printf("pull_mode=ok\n");
}

static int same_files(const char *a, const char *b) {
    buffer x = read_file(in_dir(a)), y = read_file(in_dir(b));
    int same = x.len > 0 && x.len == y.len && memcmp(x.data, y.data, x.len) == 0;
    buffer_free(&x);
    buffer_free(&y);
    return same;
}

/* Inputs from file descriptors (left open), and paths that are not UTF-8 given as bytes: the
 * outputs equal those of pp_run_se/pp_run_pe on the same files. */
static void test_fd_and_byte_paths(void) {
    pp_options *o = NULL;
    const pp_report *r = NULL;
    int fd1, fd2;
    numbers n;
    char weird_in[4200], weird_out[4200];
    const char *in_name = "se_\xff\xfe.fq.gz", *out_name = "out_\xe9.fq";
    buffer copy;
    FILE *f;
    CHECK_OK(pp_options_new(&o));
    CHECK_OK(pp_options_set_json(o, TRIM_JSON));
    CHECK_OK(pp_run_se(o, in_dir("demo_R1.fq.gz"), in_dir("fd_want_se.fq"), &r));
    pp_report_free(r);
    r = NULL;
    CHECK_OK(pp_run_pe(o, in_dir("demo_R1.fq.gz"), in_dir("demo_R2.fq.gz"),
                       in_dir("fd_want_1.fq"), in_dir("fd_want_2.fq"), &r));
    pp_report_free(r);
    r = NULL;

    fd1 = open(in_dir("demo_R1.fq.gz"), O_RDONLY);
    CHECK(fd1 >= 0);
    CHECK_OK(pp_run_se_fd(o, fd1, in_dir("fd_se.fq"), &r));
    n = report_numbers("fd_se", r);
    CHECK(n.reads_in > 0);
    pp_report_free(r);
    r = NULL;
    CHECK(same_files("fd_se.fq", "fd_want_se.fq"));
    /* The caller's descriptor is still open (read to its end). */
    CHECK(lseek(fd1, 0, SEEK_CUR) > 0);
    CHECK(lseek(fd1, 0, SEEK_SET) == 0);
    fd2 = open(in_dir("demo_R2.fq.gz"), O_RDONLY);
    CHECK(fd2 >= 0);
    CHECK_OK(pp_run_pe_fd(o, fd1, fd2, in_dir("fd_pe_1.fq"), in_dir("fd_pe_2.fq"), &r));
    pp_report_free(r);
    r = NULL;
    CHECK(same_files("fd_pe_1.fq", "fd_want_1.fq") && same_files("fd_pe_2.fq", "fd_want_2.fq"));
    CHECK(close(fd1) == 0);
    CHECK(close(fd2) == 0);
    CHECK_STATUS(pp_run_se_fd(o, -1, NULL, &r), PP_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(pp_run_se_fd(NULL, 0, NULL, &r), PP_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(pp_run_pe_fd(o, 0, 0, NULL, NULL, NULL), PP_STATUS_NULL_ARGUMENT);
    printf("fd_input=ok\n");

    /* A file name that is not UTF-8 (Latin-1 bytes). */
    snprintf(weird_in, sizeof weird_in, "%s/%s", dir, in_name);
    snprintf(weird_out, sizeof weird_out, "%s/%s", dir, out_name);
    copy = read_file(in_dir("demo_R1.fq.gz"));
    f = fopen(weird_in, "wb");
    CHECK(f != NULL);
    if (f) {
        CHECK(fwrite(copy.data, 1, copy.len, f) == copy.len);
        fclose(f);
    }
    buffer_free(&copy);
    CHECK_STATUS(pp_run_se(o, weird_in, weird_out, &r), PP_STATUS_INVALID_UTF8);
    CHECK_OK(pp_run_se_bytes(o, (const uint8_t *)weird_in, strlen(weird_in),
                             (const uint8_t *)weird_out, strlen(weird_out), &r));
    pp_report_free(r);
    r = NULL;
    CHECK(same_files(out_name, "fd_want_se.fq"));
    CHECK_OK(pp_run_pe_bytes(o, (const uint8_t *)weird_in, strlen(weird_in),
                             (const uint8_t *)in_dir("demo_R2.fq.gz"),
                             strlen(in_dir("demo_R2.fq.gz")), NULL, 0, NULL, 0, &r));
    CHECK(r != NULL);
    pp_report_free(r);
    r = NULL;
    CHECK_STATUS(pp_run_se_bytes(o, NULL, 3, NULL, 0, &r), PP_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(pp_run_se_bytes(o, NULL, 0, NULL, 0, &r), PP_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(pp_run_se_bytes(o, (const uint8_t *)"a\0b", 3, NULL, 0, &r),
                 PP_STATUS_INVALID_ARGUMENT);
    CHECK(r == NULL);
    pp_options_free(o);
    printf("byte_paths=ok\n");
}

/* The log callback: counts messages by level, remembers the first INFO text, checks the
 * thread. */
typedef struct {
    int info, warning, error, wrong_thread;
    char first_info[512];
    pthread_t thread;
} log_seen;

static void log_cb(void *userdata, pp_log_level level, const char *message) {
    log_seen *l = (log_seen *)userdata;
    if (!pthread_equal(pthread_self(), l->thread)) l->wrong_thread++;
    if (level == PP_LOG_INFO) {
        if (l->info++ == 0) snprintf(l->first_info, sizeof l->first_info, "%s", message);
    } else if (level == PP_LOG_WARNING) {
        l->warning++;
    } else {
        l->error++;
    }
}

static pp_run_stats last_stats;
static int stats_calls = 0;
static int stats_cb(void *userdata, const pp_run_stats *stats) {
    (void)userdata;
    if (stats->records_in < last_stats.records_in) stats_calls = -1000; /* must not go back */
    last_stats = *stats;
    stats_calls++;
    return 0;
}

/* Log callback (adapter detection reported, on the calling thread), statistics callback and
 * pp_stream_stats: the final counters equal the report's. */
static void test_observability(void) {
    pp_options *o = NULL;
    pp_stream *s = NULL;
    const pp_report *r = NULL;
    log_seen seen;
    pp_run_stats st;
    buffer in = read_file(in_dir("demo_R1.fq.gz")), out = {NULL, 0, 0};
    uint64_t reads_in = 0, reads_out = 0, bases_in = 0;
    memset(&seen, 0, sizeof seen);
    seen.thread = pthread_self();
    memset(&last_stats, 0, sizeof last_stats);
    CHECK_OK(pp_options_new(&o));
    CHECK_STATUS(pp_options_set_log_callback(NULL, log_cb, &seen), PP_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(pp_options_set_stats_callback(NULL, stats_cb, NULL, 1), PP_STATUS_NULL_ARGUMENT);
    CHECK_OK(pp_options_set_log_callback(o, log_cb, &seen));
    CHECK_OK(pp_options_set_stats_callback(o, stats_cb, NULL, 1));
    /* File mode, default options: the adapter is detected from the reads and logged. */
    CHECK_OK(pp_run_se(o, in_dir("demo_R1.fq.gz"), NULL, &r));
    CHECK_OK(pp_report_reads_in(r, &reads_in));
    CHECK_OK(pp_report_reads_out(r, &reads_out));
    CHECK_OK(pp_report_bases_in(r, &bases_in));
    pp_report_free(r);
    r = NULL;
    CHECK(seen.info >= 1 && strstr(seen.first_info, "adapter") != NULL);
    CHECK(stats_calls >= 2);
    CHECK(last_stats.records_in == reads_in && last_stats.records_out == reads_out);
    CHECK(last_stats.bases_in == bases_in && last_stats.bytes_in > 0);
    printf("log_first_info=%s\n", seen.first_info);
    /* Streaming: the same message, and pp_stream_stats polled. */
    seen.info = 0;
    CHECK_OK(pp_options_set_stats_callback(o, NULL, NULL, 0));
    CHECK_OK(pp_stream_open(o, 1, append_cb, &out, NULL, NULL, &s));
    CHECK_STATUS(pp_stream_stats(s, NULL), PP_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(pp_stream_stats(NULL, &st), PP_STATUS_NULL_ARGUMENT);
    CHECK_OK(pp_stream_push(s, 0, in.data, in.len));
    CHECK_OK(pp_stream_finish(s, &r));
    CHECK_OK(pp_stream_stats(s, &st));
    CHECK(st.records_in == reads_in && st.records_out == reads_out && st.bases_in == bases_in);
    CHECK(seen.info >= 1);
    CHECK(seen.wrong_thread == 0 && seen.error == 0);
    pp_report_free(r);
    pp_stream_free(s);
    buffer_free(&in);
    buffer_free(&out);
    pp_options_free(o);
    printf("observability=ok records_in=%llu\n", (unsigned long long)st.records_in);
}

/* Read results: every read once, numbered in order, mates alternating, the kept ones adding up
 * to the report's output numbers. */
typedef struct {
    uint64_t n, kept, kept_bases, next_record, trimmed, bad_order, cancel_after;
    int paired;
} results_seen;

static int results_cb(void *userdata, const pp_read_result *r, size_t n) {
    results_seen *t = (results_seen *)userdata;
    size_t i;
    for (i = 0; i < n; i++) {
        uint64_t want = t->paired ? t->n / 2 : t->n;
        if (r[i].record != want || r[i].mate != (t->paired ? t->n % 2 : 0)) t->bad_order++;
        if (r[i].kept) {
            t->kept++;
            t->kept_bases += r[i].length;
        } else if (r[i].reason == PP_FILTER_PASSED && !t->paired) {
            t->bad_order++; /* a single read that passed is written */
        }
        if (r[i].trimmed_front || r[i].adapter_bases) t->trimmed++;
        t->n++;
    }
    return t->cancel_after && t->n >= t->cancel_after;
}

static void test_read_results(void) {
    pp_options *o = NULL;
    const pp_report *r = NULL;
    pp_stream *s = NULL;
    results_seen t;
    numbers n;
    buffer in[2];
    CHECK_OK(pp_options_new(&o));
    CHECK_OK(pp_options_set_json(o, TRIM_JSON));
    CHECK_STATUS(pp_options_set_read_results_callback(NULL, results_cb, &t),
                 PP_STATUS_NULL_ARGUMENT);
    CHECK_OK(pp_options_set_read_results_callback(o, results_cb, &t));
    memset(&t, 0, sizeof t);
    CHECK_OK(pp_run_se(o, in_dir("demo_R1.fq.gz"), NULL, &r));
    n = report_numbers("read_results_se", r);
    pp_report_free(r);
    r = NULL;
    CHECK(t.n == n.reads_in && t.kept == n.reads_out && t.kept_bases == n.bases_out);
    CHECK(t.bad_order == 0 && t.trimmed > 0);
    /* Paired, streaming. */
    memset(&t, 0, sizeof t);
    t.paired = 1;
    in[0] = read_file(in_dir("demo_R1.fq.gz"));
    in[1] = read_file(in_dir("demo_R2.fq.gz"));
    CHECK_OK(pp_stream_open(o, 2, NULL, NULL, NULL, NULL, &s));
    CHECK_OK(push_randomly(s, in, 2, 50000));
    CHECK_OK(pp_stream_finish(s, &r));
    n = report_numbers("read_results_pe", r);
    pp_report_free(r);
    r = NULL;
    pp_stream_free(s);
    CHECK(t.n == n.reads_in && t.kept == n.reads_out && t.kept_bases == n.bases_out);
    CHECK(t.bad_order == 0);
    /* A non-zero return cancels a run still going (this small one may be over by the time
     * the first results are handed over: then it succeeds, with every result delivered). */
    memset(&t, 0, sizeof t);
    t.cancel_after = 1;
    {
        pp_status st = pp_run_se(o, in_dir("demo_R1.fq.gz"), NULL, &r);
        CHECK(st == PP_STATUS_CANCELLED || st == PP_STATUS_OK);
        CHECK((st == PP_STATUS_CANCELLED) == (r == NULL));
        pp_report_free(r);
        r = NULL;
    }
    buffer_free(&in[0]);
    buffer_free(&in[1]);
    pp_options_free(o);
    printf("read_results=ok\n");
}

/* Threads of this process named like the library's workers ("panelprep-worker-N", cut to 15
 * characters by Linux); -1 where /proc is missing. */
static int worker_threads(void) {
    DIR *d = opendir("/proc/self/task");
    struct dirent *e;
    int n = 0;
    if (!d) return -1;
    while ((e = readdir(d)) != NULL) {
        char path[300], comm[64] = "";
        FILE *f;
        if (e->d_name[0] == '.') continue;
        snprintf(path, sizeof path, "/proc/self/task/%s/comm", e->d_name);
        f = fopen(path, "r");
        if (!f) continue;
        if (fgets(comm, sizeof comm, f) && strncmp(comm, "panelprep-worke", 15) == 0) n++;
        fclose(f);
    }
    closedir(d);
    return n;
}

/* Three sessions at once on one shared 2-thread pool (options ask 4 threads each): the
 * library's worker threads are the pool's 2, not 3 x 4, and every output is unchanged. */
static void test_pool(void) {
    const pp_pool *pool = NULL;
    pp_options *o = NULL;
    pp_stream *s[3] = {NULL, NULL, NULL};
    buffer outs[3] = {{NULL, 0, 0}, {NULL, 0, 0}, {NULL, 0, 0}};
    buffer in = read_file(in_dir("se.fq.gz")), want = read_file(in_dir("stream_se_gz_1.fq"));
    int i, most = 0, tries, base;
    /* Workers of earlier runs exit on their own shortly after those runs: wait for them. */
    for (tries = 0; tries < 200 && worker_threads() > 0; tries++)
        nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    base = worker_threads();
    CHECK_STATUS(pp_pool_new(0, &pool), PP_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(pp_pool_new(2, NULL), PP_STATUS_NULL_ARGUMENT);
    CHECK_OK(pp_pool_new(2, &pool));
    CHECK_OK(pp_options_new(&o));
    CHECK_STATUS(pp_options_set_pool(NULL, pool), PP_STATUS_NULL_ARGUMENT);
    CHECK_OK(pp_options_set_json(o, "{\"passthrough\": true}"));
    CHECK_OK(pp_options_set_threads(o, 4));
    CHECK_OK(pp_options_set_pool(o, pool));
    pp_pool_free(pool); /* the options keep it */
    for (i = 0; i < 3; i++) CHECK_OK(pp_stream_open(o, 1, append_cb, &outs[i], NULL, NULL, &s[i]));
    /* Interleaved pushes to the three sessions, a few pieces each. */
    {
        size_t pos = 0, piece = in.len / 5 + 1;
        while (pos < in.len) {
            size_t len = in.len - pos < piece ? in.len - pos : piece;
            for (i = 0; i < 3; i++) CHECK_OK(pp_stream_push(s[i], 0, in.data + pos, len));
            pos += len;
        }
    }
    /* The engines work on the queued input meanwhile (their own pools would show here). */
    for (tries = 0; tries < 30; tries++) {
        int n = worker_threads();
        if (n > most || n < 0) most = n;
        if (n < 0) break;
        nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    }
    CHECK(most < 0 || (most >= 2 && most <= base + 2));
    for (i = 0; i < 3; i++) {
        const pp_report *r = NULL;
        CHECK_OK(pp_stream_finish(s[i], &r));
        pp_report_free(r);
        CHECK(outs[i].len == want.len && memcmp(outs[i].data, want.data, want.len) == 0);
        pp_stream_free(s[i]);
        buffer_free(&outs[i]);
    }
    CHECK(worker_threads() <= base + 2);
    CHECK_OK(pp_options_set_pool(o, NULL));
    pp_options_free(o); /* the last reference: the pool's threads exit */
    buffer_free(&in);
    buffer_free(&want);
    printf("pool worker_threads=%d before=%d\n", most, base);
    printf("pool=ok\n");
}

/* Structured location of the last error (bad.fq: record 3, line 12), status texts, and the
 * last error's lifetime: calls that return no status leave it untouched. Call right after the
 * failed pp_run_se on bad.fq. */
static void test_error_location(void) {
    pp_error_location loc;
    const char *msg = pp_last_error_message();
    const char *slash;
    pp_options *none = NULL;
    CHECK(pp_last_error_location(&loc));
    slash = strrchr(loc.file, '/');
    CHECK(slash != NULL && strcmp(slash + 1, "bad.fq") == 0);
    CHECK(loc.record == 3 && loc.line == 12);
    printf("malformed_location file=%s record=%llu line=%llu byte_offset=%s\n",
           slash ? slash + 1 : loc.file, (unsigned long long)loc.record,
           (unsigned long long)loc.line, loc.byte_offset == PP_OFFSET_UNKNOWN ? "unknown" : "known");
    CHECK(!pp_last_error_location(NULL));
    /* None of these changes the last error: same pointer, same text. */
    CHECK(strcmp(pp_status_str(PP_STATUS_FORMAT_ERROR), "malformed FASTQ input") == 0);
    CHECK(strcmp(pp_status_str(PP_STATUS_OK), "ok") == 0);
    CHECK(strcmp(pp_status_str(9999), "unknown status") == 0);
    CHECK(strcmp(pp_status_str(-1), "unknown status") == 0);
    (void)pp_version();
    (void)pp_version_number();
    pp_options_free(none);
    pp_string_free(NULL);
    CHECK(pp_last_error_message() == msg && strstr(msg, "record 3, line 12") != NULL);
    CHECK(pp_last_error_location(&loc) && loc.file[0] != '\0');
    printf("status_str_200=%s\n", pp_status_str(200));
}

/* A corrupt second gzip member (corrupt.fq.gz, written by tests/c_api.rs): an I/O error whose
 * location has the file and the compressed byte offset of the bad member; no record or line. */
static void test_corrupt_offset(void) {
    pp_options *o = NULL;
    const pp_report *r = NULL;
    pp_error_location loc;
    CHECK_OK(pp_options_new(&o));
    CHECK_STATUS(pp_run_se(o, in_dir("corrupt.fq.gz"), NULL, &r), PP_STATUS_IO_ERROR);
    CHECK(pp_last_error_location(&loc));
    CHECK(strstr(loc.file, "corrupt.fq.gz") != NULL);
    CHECK(loc.byte_offset != PP_OFFSET_UNKNOWN);
    printf("corrupt_location byte_offset=%llu\n", (unsigned long long)loc.byte_offset);
    /* A success clears the location with the message. */
    CHECK_OK(pp_options_set_threads(o, 2));
    CHECK(!pp_last_error_location(&loc));
    CHECK(loc.file != NULL && loc.file[0] == '\0' && loc.record == 0 && loc.line == 0 &&
          loc.byte_offset == PP_OFFSET_UNKNOWN);
    pp_options_free(o);
}

static void test_errors(void) {
    pp_options *o = NULL;
    const pp_report *r = NULL;
    pp_stream *s = NULL;
    buffer bad = read_file(in_dir("bad.fq"));
    buffer se = read_file(in_dir("se.fq"));
    buffer out = {NULL, 0, 0};
    pp_status st;
    CHECK_OK(pp_options_new(&o));
    CHECK_OK(pp_options_set_json(o, "{\"passthrough\": true}"));

    CHECK_STATUS(pp_run_se(o, in_dir("does_not_exist.fq"), in_dir("never.fq"), &r),
                 PP_STATUS_IO_ERROR);
    CHECK(strstr(pp_last_error_message(), "does_not_exist.fq") != NULL);
    CHECK(!file_exists(in_dir("never.fq")));
    printf("bad_path_message=%s\n", pp_last_error_message());

    CHECK_STATUS(pp_run_se(o, in_dir("bad.fq"), in_dir("bad_out.fq"), &r), PP_STATUS_FORMAT_ERROR);
    CHECK(strstr(pp_last_error_message(), "record 3") != NULL);
    CHECK(!file_exists(in_dir("bad_out.fq")));
    CHECK(r == NULL);
    printf("malformed_message=%s\n", pp_last_error_message());
    test_error_location();
    /* A success clears the last error. */
    CHECK_OK(pp_options_set_threads(o, 2));
    CHECK(strcmp(pp_last_error_message(), "") == 0);

    /* Malformed bytes in a stream: the error comes from push or finish, then sticks. */
    CHECK_OK(pp_stream_open(o, 1, append_cb, &out, NULL, NULL, &s));
    st = pp_stream_push(s, 0, bad.data, bad.len);
    if (st == PP_STATUS_OK) st = pp_stream_finish(s, &r);
    CHECK(st == PP_STATUS_FORMAT_ERROR);
    CHECK(strstr(pp_last_error_message(), "<stream>") != NULL);
    CHECK_STATUS(pp_stream_push(s, 0, se.data, 10), PP_STATUS_FORMAT_ERROR);
    CHECK_STATUS(pp_stream_finish(s, &r), PP_STATUS_FORMAT_ERROR);
    CHECK(r == NULL);
    pp_stream_free(s);
    s = NULL;

    /* Argument errors. */
    CHECK_STATUS(pp_stream_open(o, 3, NULL, NULL, NULL, NULL, &s), PP_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(pp_stream_open(o, 1, append_cb, &out, append_cb, &out, &s),
                 PP_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(pp_stream_open(o, 2, NULL, NULL, append_cb, &out, &s), PP_STATUS_INVALID_ARGUMENT);
    CHECK(s == NULL);
    CHECK_OK(pp_stream_open(o, 1, append_cb, &out, NULL, NULL, &s));
    CHECK_STATUS(pp_stream_push(s, 1, se.data, 10), PP_STATUS_INVALID_ARGUMENT);
    /* The session is unaffected by the rejected call. */
    CHECK_OK(pp_stream_push(s, 0, se.data, se.len));
    CHECK_OK(pp_stream_finish(s, &r));
    CHECK(out.len == se.len);
    pp_report_free(r);
    r = NULL;
    pp_stream_free(s);
    s = NULL;

    /* A failing write callback fails the session with an I/O error naming the output. */
    CHECK_OK(pp_stream_open(o, 1, failing_cb, NULL, NULL, NULL, &s));
    st = pp_stream_push(s, 0, se.data, se.len);
    if (st == PP_STATUS_OK) st = pp_stream_finish(s, &r);
    CHECK(st == PP_STATUS_IO_ERROR);
    CHECK(strstr(pp_last_error_message(), "42") != NULL);
    pp_stream_free(s);
    s = NULL;

    buffer_free(&out);
    buffer_free(&bad);
    buffer_free(&se);
    pp_options_free(o);
    test_corrupt_offset();
    printf("errors=ok\n");
}

static int reentrant_status = -1;

/* A callback calling into its own session gets a state error, not a crash. Its userdata is
 * a slot holding the stream, filled by pp_stream_open. */
static int reentrant_slot_cb(void *userdata, const uint8_t *data, size_t len) {
    (void)data;
    (void)len;
    reentrant_status = (int)pp_stream_push(*(pp_stream **)userdata, 0, NULL, 0);
    return 0;
}

static void test_reentrancy(void) {
    pp_options *o = NULL;
    pp_stream *s = NULL;
    const pp_report *r = NULL;
    buffer se = read_file(in_dir("se.fq"));
    CHECK_OK(pp_options_new(&o));
    CHECK_OK(pp_stream_open(o, 1, reentrant_slot_cb, &s, NULL, NULL, &s));
    CHECK_OK(pp_stream_push(s, 0, se.data, se.len));
    CHECK_OK(pp_stream_finish(s, &r));
    CHECK(reentrant_status == PP_STATUS_INVALID_STATE);
    printf("reentrant_status=%d\n", reentrant_status);
    pp_report_free(r);
    pp_stream_free(s);
    pp_options_free(o);
    buffer_free(&se);
}

static void *cancel_later(void *token) {
    struct timespec ts = {0, 50 * 1000 * 1000};
    nanosleep(&ts, NULL);
    pp_cancel_token_cancel((const pp_cancel_token *)token);
    return NULL;
}

static void test_cancellation(void) {
    pp_options *o = NULL;
    const pp_report *r = NULL;
    const pp_cancel_token *token = NULL;
    pp_stream *s = NULL;
    buffer se = read_file(in_dir("se.fq"));
    buffer out = {NULL, 0, 0};
    pthread_t thread;
    pp_status st = PP_STATUS_OK;
    long pushes = 0;

    /* A progress callback returning non-zero cancels; no output is left behind. */
    CHECK_OK(pp_options_new(&o));
    CHECK_OK(pp_options_set_progress(o, cancel_at_start, NULL, 10));
    CHECK_STATUS(pp_run_pe(o, in_dir("r1.fq.gz"), in_dir("r2.fq.gz"), in_dir("cancel_r1.fq.gz"),
                           in_dir("cancel_r2.fq.gz"), &r),
                 PP_STATUS_CANCELLED);
    CHECK(progress_calls >= 1);
    CHECK(!file_exists(in_dir("cancel_r1.fq.gz")) && !file_exists(in_dir("cancel_r2.fq.gz")));
    CHECK(r == NULL);
    CHECK_OK(pp_options_set_progress(o, NULL, NULL, 0));

    /* A token cancelled before the run. */
    CHECK_OK(pp_cancel_token_new(&token));
    CHECK_OK(pp_options_set_cancel_token(o, token));
    CHECK_OK(pp_cancel_token_cancel(token));
    CHECK_STATUS(pp_run_se(o, in_dir("se.fq"), in_dir("cancel_se.fq"), &r), PP_STATUS_CANCELLED);
    CHECK(!file_exists(in_dir("cancel_se.fq")));
    pp_cancel_token_free(token);

    /* A token cancelled by another thread while the caller keeps pushing (an endless input):
     * the push loop ends only by cancellation. The options keep the token alive. */
    CHECK_OK(pp_cancel_token_new(&token));
    CHECK_OK(pp_options_set_cancel_token(o, token));
    CHECK_OK(pp_stream_open(o, 1, append_cb, &out, NULL, NULL, &s));
    CHECK(pthread_create(&thread, NULL, cancel_later, (void *)token) == 0);
    while (st == PP_STATUS_OK) {
        st = pp_stream_push(s, 0, se.data, se.len);
        pushes++;
    }
    pthread_join(thread, NULL);
    CHECK(st == PP_STATUS_CANCELLED);
    CHECK_STATUS(pp_stream_finish(s, &r), PP_STATUS_CANCELLED);
    printf("stream_cancelled_after_pushes=%s\n", pushes > 1 ? "many" : "one");
    pp_stream_free(s);
    pp_cancel_token_free(token);
    /* Detach the token (the options held the last reference). */
    CHECK_OK(pp_options_set_cancel_token(o, NULL));
    pp_options_free(o);
    buffer_free(&se);
    buffer_free(&out);
    printf("cancellation=ok\n");
}

static void test_coverage(void) {
    const pp_coverage_report *c = NULL;
    pp_coverage_options *co = NULL;
    int32_t gate = 0;
    double mean = -1.0, pct = -1.0;
    uint64_t zero = 0;
    char *json = NULL;
    FILE *f;
    CHECK_STATUS(pp_coverage_run(NULL, in_dir("panel.bed"), NULL, 1, NULL, &c), PP_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(pp_coverage_run(in_dir("panel.bam"), NULL, NULL, 1, NULL, &c), PP_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(pp_coverage_report_mean(NULL, &mean), PP_STATUS_NULL_ARGUMENT);
    pp_coverage_report_free(NULL);
    /* A FASTQ is no BED, and a missing BAM is an error: both name the file. */
    CHECK_STATUS(pp_coverage_run(in_dir("no.bam"), in_dir("bad.fq"), NULL, 1, NULL, &c),
                 PP_STATUS_COVERAGE_ERROR);
    CHECK(c == NULL);
    /* Coverage options: NULL checks, unknown keys and bad values name the key. */
    CHECK_STATUS(pp_coverage_options_new(NULL), PP_STATUS_NULL_ARGUMENT);
    CHECK_OK(pp_coverage_options_new(&co));
    CHECK_STATUS(pp_coverage_options_set_json(NULL, "{}"), PP_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(pp_coverage_options_set_json(co, NULL), PP_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(pp_coverage_options_to_json(co, NULL), PP_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(pp_coverage_run_with_options(in_dir("panel.bam"), in_dir("panel.bed"), NULL, NULL,
                                              &c),
                 PP_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(pp_coverage_run_with_options(NULL, in_dir("panel.bed"), co, NULL, &c),
                 PP_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(pp_coverage_options_set_json(co, "{\"presets\": \"picard-hs\"}"),
                 PP_STATUS_INVALID_OPTION);
    CHECK(strstr(pp_last_error_message(), "presets") != NULL);
    CHECK_STATUS(pp_coverage_options_set_json(co, "{\"scan\": \"sometimes\"}"),
                 PP_STATUS_INVALID_OPTION);
    CHECK(strstr(pp_last_error_message(), "scan") != NULL);
    CHECK_STATUS(pp_coverage_options_set_json(co, "{\"gate\": [\"no_such_metric>=1\"]}"),
                 PP_STATUS_INVALID_OPTION);
    CHECK(strstr(pp_last_error_message(), "gate") != NULL);
    CHECK_OK(pp_coverage_options_set_json(co, COVERAGE_JSON));
    CHECK_OK(pp_coverage_options_to_json(co, &json));
    CHECK(json && strstr(json, "\"preset\":\"picard-hs\"") != NULL);
    CHECK(json && strstr(json, "\"low_coverage\":50") != NULL);
    CHECK(json && strstr(json, "\"scan\":\"auto\"") != NULL);
    pp_string_free(json);
    json = NULL;
    pp_coverage_options_free(NULL);
    printf("coverage_errors=ok\n");
    f = fopen(in_dir("panel.bam"), "rb");
    if (!f) {
        printf("coverage=skipped\n");
        pp_coverage_options_free(co);
        return;
    }
    fclose(f);
    CHECK_STATUS(pp_coverage_run(in_dir("panel.bam"), in_dir("bad.fq"), NULL, 1, NULL, &c),
                 PP_STATUS_COVERAGE_ERROR);
    CHECK(strstr(pp_last_error_message(), "bad.fq") != NULL);
    CHECK_STATUS(pp_coverage_run(in_dir("panel.bam"), in_dir("panel.bed"), "no-such-preset", 1, NULL, &c),
                 PP_STATUS_INVALID_OPTION);
    CHECK_OK(pp_coverage_run(in_dir("panel.bam"), in_dir("panel.bed"), "mosdepth", 2,
                             in_dir("cov"), &c));
    CHECK_OK(pp_coverage_report_mean(c, &mean));
    CHECK_OK(pp_coverage_report_median(c, &pct));
    CHECK_OK(pp_coverage_report_pct_bases_at_least(c, 20, &pct));
    CHECK(pct >= 0.0 && pct <= 1.0);
    CHECK_STATUS(pp_coverage_report_pct_bases_at_least(c, 21, &pct), PP_STATUS_INVALID_ARGUMENT);
    CHECK_OK(pp_coverage_report_zero_coverage_targets(c, &zero));
    CHECK_OK(pp_coverage_report_json(c, &json));
    CHECK(json && strstr(json, "mean_target_coverage") != NULL);
    f = fopen(in_dir("cov.regions.bed.gz"), "rb");
    CHECK(f != NULL);
    if (f) fclose(f);
    CHECK_OK(pp_coverage_report_gate(c, &gate));
    CHECK(gate == -1);
    printf("coverage_mean=%.6f\n", mean);
    pp_string_free(json);
    pp_coverage_report_free(c);
    c = NULL;

    /* A cancelled token stops a coverage run: PP_STATUS_CANCELLED, no report, no file. */
    {
        const pp_cancel_token *token = NULL;
        CHECK_STATUS(pp_coverage_options_set_cancel_token(NULL, NULL), PP_STATUS_NULL_ARGUMENT);
        CHECK_OK(pp_cancel_token_new(&token));
        CHECK_OK(pp_coverage_options_set_cancel_token(co, token));
        CHECK_OK(pp_cancel_token_cancel(token));
        CHECK_STATUS(pp_coverage_run_with_options(in_dir("panel.bam"), in_dir("panel.bed"), co,
                                                  in_dir("cov_cancel"), &c),
                     PP_STATUS_CANCELLED);
        CHECK(c == NULL);
        CHECK(!file_exists(in_dir("cov_cancel.regions.bed.gz")));
        CHECK(!file_exists(in_dir("cov_cancel.coverage.json")));
        /* Detached again: the options run normally below. */
        CHECK_OK(pp_coverage_options_set_cancel_token(co, NULL));
        pp_cancel_token_free(token);
        printf("coverage_cancel=ok\n");
    }

    /* Every option of `panelprep coverage`: tests/c_api.rs compares the files with the CLI's. */
    CHECK_OK(pp_coverage_run_with_options(in_dir("panel.bam"), in_dir("panel.bed"), co,
                                          in_dir("cov_opts"), &c));
    CHECK_OK(pp_coverage_report_gate(c, &gate));
    CHECK(gate == 1);
    CHECK_OK(pp_coverage_report_pct_bases_at_least(c, 30, &pct));
    CHECK_STATUS(pp_coverage_report_pct_bases_at_least(c, 20, &pct), PP_STATUS_INVALID_ARGUMENT);
    CHECK_OK(pp_coverage_report_mean(c, &mean));
    printf("coverage_options_mean=%.6f\n", mean);
    {
        log_seen cov_seen;
        memset(&cov_seen, 0, sizeof cov_seen);
        cov_seen.thread = pthread_self();
        pp_coverage_report_free(c);
        c = NULL;
        CHECK_STATUS(pp_coverage_options_set_log_callback(NULL, log_cb, &cov_seen),
                     PP_STATUS_NULL_ARGUMENT);
        CHECK_OK(pp_coverage_options_set_log_callback(co, log_cb, &cov_seen));
        CHECK_OK(pp_coverage_run_with_options(in_dir("panel.bam"), in_dir("panel.bed"), co, NULL,
                                              &c));
        CHECK(cov_seen.wrong_thread == 0 && cov_seen.error == 0);
        printf("coverage_log_warnings=%d\n", cov_seen.warning);
    }
    pp_coverage_report_free(c);
    pp_coverage_options_free(co);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    snprintf(dir, sizeof dir, "%s", argv[1]);
    test_version_and_options();
    test_null_arguments();
    test_file_mode();
    test_json_options();
    test_streaming();
    test_pull_mode();
    test_fd_and_byte_paths();
    test_observability();
    test_pool();
    test_read_results();
    test_errors();
    test_reentrancy();
    test_cancellation();
    test_coverage();
    if (failures == 0) printf("ALL PASSED\n");
    return failures;
}
