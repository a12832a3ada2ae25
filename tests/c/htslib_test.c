/* panelprep and htslib in one program, as an instrument integrator links them: htslib writes
 * a BGZF FASTQ, panelprep trims it into a BGZF output, htslib reads that output back, and
 * panelprep validates htslib's file. Then it reports which library the process's
 * libdeflate_* functions come from: with panelprep's symbol-clean static archive
 * (scripts/install-c-lib.sh) they must be the system libdeflate that htslib was built
 * against, not panelprep's bundled copy.
 *
 * Usage: htslib_test DIR — DIR holds se.fq (plain FASTQ, written by tests/c_api.rs).
 * Prints "key=value" lines and "ALL PASSED" last; exit status is the number of failed checks.
 */
#define _GNU_SOURCE

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <htslib/bgzf.h>
#include <htslib/hts.h>

#include "panelprep.h"

static int failures = 0;

#define CHECK(cond)                                                                      \
    do {                                                                                 \
        if (!(cond)) {                                                                   \
            fprintf(stderr, "FAIL %s:%d: %s (panelprep: %s)\n", __FILE__, __LINE__, #cond, \
                    pp_last_error_message());                                            \
            failures++;                                                                  \
        }                                                                                \
    } while (0)

static char path_buf[4][4096];

static const char *in_dir(int slot, const char *dir, const char *name) {
    snprintf(path_buf[slot], sizeof path_buf[slot], "%s/%s", dir, name);
    return path_buf[slot];
}

/* Copies `src` (plain) to `dst` as BGZF through htslib; returns the records (lines / 4). */
static long htslib_compress(const char *src, const char *dst) {
    FILE *in = fopen(src, "rb");
    BGZF *out = bgzf_open(dst, "w6");
    char buf[65536];
    size_t n;
    long lines = 0;
    if (!in || !out) {
        if (in) fclose(in);
        if (out) bgzf_close(out);
        return -1;
    }
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
        size_t i;
        for (i = 0; i < n; i++) lines += buf[i] == '\n';
        if (bgzf_write(out, buf, n) != (ssize_t)n) lines = -1;
    }
    fclose(in);
    if (bgzf_close(out) != 0) return -1;
    return lines < 0 ? -1 : lines / 4;
}

/* Reads a BGZF file through htslib; returns the records (lines / 4), -1 on error. */
static long htslib_count(const char *path) {
    BGZF *in = bgzf_open(path, "r");
    char buf[65536];
    ssize_t n;
    long lines = 0;
    if (!in) return -1;
    CHECK(bgzf_compression(in) == 2); /* 2: BGZF */
    while ((n = bgzf_read(in, buf, sizeof buf)) > 0) {
        ssize_t i;
        for (i = 0; i < n; i++) lines += buf[i] == '\n';
    }
    if (n < 0) lines = -1;
    bgzf_close(in);
    return lines < 0 ? -1 : lines / 4;
}

/* The file that defines `symbol` in this process, or "(none)". */
static const char *defined_in(const char *symbol) {
    Dl_info info;
    void *p = dlsym(RTLD_DEFAULT, symbol);
    if (!p || !dladdr(p, &info) || !info.dli_fname) return "(none)";
    return info.dli_fname;
}

int main(int argc, char **argv) {
    pp_options *o = NULL;
    const pp_report *r = NULL;
    uint64_t reads_in = 0, reads_out = 0, records = 0;
    long written, read_back;
    const char *dir;
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    dir = argv[1];
    printf("htslib=%s panelprep=%s\n", hts_version(), pp_version());

    written = htslib_compress(in_dir(0, dir, "se.fq"), in_dir(1, dir, "hts.fq.gz"));
    CHECK(written > 0);
    printf("htslib_wrote=%ld\n", written);

    CHECK(pp_options_new(&o) == PP_STATUS_OK);
    CHECK(pp_options_set_threads(o, 2) == PP_STATUS_OK);
    CHECK(pp_run_se(o, in_dir(1, dir, "hts.fq.gz"), in_dir(2, dir, "pp.fq.gz"), &r) ==
          PP_STATUS_OK);
    if (r) {
        pp_report_reads_in(r, &reads_in);
        pp_report_reads_out(r, &reads_out);
    }
    CHECK(reads_in == (uint64_t)written);
    printf("panelprep reads_in=%llu reads_out=%llu\n", (unsigned long long)reads_in,
           (unsigned long long)reads_out);

    read_back = htslib_count(in_dir(2, dir, "pp.fq.gz"));
    CHECK(read_back >= 0 && (uint64_t)read_back == reads_out);
    printf("htslib_read_back=%ld\n", read_back);

    CHECK(pp_validate_file(in_dir(1, dir, "hts.fq.gz"), 2, &records) == PP_STATUS_OK);
    CHECK(records == (uint64_t)written);

    printf("libdeflate_from=%s\n", defined_in("libdeflate_alloc_compressor"));

    pp_report_free(r);
    pp_options_free(o);
    if (failures == 0) printf("ALL PASSED\n");
    return failures;
}
