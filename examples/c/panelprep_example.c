/* Minimal use of the panelprep C API: process a FASTQ file in file mode, then push the same
 * file's raw bytes through a streaming session (as instrument software would while the
 * sequencer writes) and write that output through a callback. Both outputs are BGZF and
 * byte-identical.
 *
 *   cargo build --release --lib && scripts/install-c-lib.sh /opt/panelprep
 *   cc -std=c99 -I /opt/panelprep/include examples/c/panelprep_example.c \
 *      /opt/panelprep/lib/libpanelprep.a -lpthread -ldl -lm -o panelprep_example
 *   ./panelprep_example reads.fq.gz file_mode.fq.gz streamed.fq.gz
 */
#include <stdio.h>

#include "panelprep.h"

static int write_file(void *userdata, const uint8_t *data, size_t len) {
    return fwrite(data, 1, len, (FILE *)userdata) == len ? 0 : 1;
}

/* Error handling: the status names the kind of failure, the last error (this thread's, valid
 * until its next call of a function returning a pp_status) the details and where they are. */
static int fail(const char *what, pp_status status) {
    pp_error_location where;
    fprintf(stderr, "%s failed: %s (%d): %s\n", what, pp_status_str(status), (int)status,
            pp_last_error_message());
    if (pp_last_error_location(&where)) {
        fprintf(stderr, "  file %s, record %llu, line %llu", where.file,
                (unsigned long long)where.record, (unsigned long long)where.line);
        if (where.byte_offset != PP_OFFSET_UNKNOWN)
            fprintf(stderr, ", byte offset %llu", (unsigned long long)where.byte_offset);
        fprintf(stderr, "\n");
    }
    return 1;
}

int main(int argc, char **argv) {
    pp_options *opts = NULL;
    pp_stream *stream = NULL;
    const pp_report *report = NULL;
    uint64_t reads_in = 0, reads_out = 0;
    unsigned char buf[65536];
    size_t n;
    FILE *in, *out;
    pp_status st;
    int rc = 1;

    if (argc != 4) {
        fprintf(stderr, "usage: %s IN.fq[.gz] FILE_MODE_OUT.fq.gz STREAM_OUT.fq.gz\n", argv[0]);
        return 2;
    }
    /* The library must have the header's major version and be at least as new. */
    if (pp_version_number() / 10000 != PP_VERSION_MAJOR || pp_version_number() < PP_VERSION_NUMBER) {
        fprintf(stderr, "panelprep %s does not match this program's header %d.%d.%d\n",
                pp_version(), PP_VERSION_MAJOR, PP_VERSION_MINOR, PP_VERSION_PATCH);
        return 1;
    }
    printf("panelprep %s\n", pp_version());
    if ((st = pp_options_new(&opts)) != PP_STATUS_OK) return fail("pp_options_new", st);
    /* Typed setters for the common options, JSON (the CLI's names) for any option. */
    if ((st = pp_options_set_threads(opts, 4)) != PP_STATUS_OK ||
        (st = pp_options_set_json(opts, "{\"compress\": true, \"compression\": 6}")) != PP_STATUS_OK)
        return pp_options_free(opts), fail("setting options", st);

    /* File mode: the output appears (atomically) only if the whole run succeeds. */
    if ((st = pp_run_se(opts, argv[1], argv[2], &report)) != PP_STATUS_OK) {
        rc = fail("pp_run_se", st);
        goto done;
    }
    pp_report_reads_in(report, &reads_in);
    pp_report_reads_out(report, &reads_out);
    printf("file mode: %llu reads in, %llu reads out\n", (unsigned long long)reads_in,
           (unsigned long long)reads_out);
    pp_report_free(report);
    report = NULL;

    /* Streaming: push raw bytes in whatever pieces they arrive; output comes back through the
     * callback, on this thread, during push and finish. */
    in = fopen(argv[1], "rb");
    out = fopen(argv[3], "wb");
    if (!in || !out) {
        fprintf(stderr, "cannot open %s or %s\n", argv[1], argv[3]);
        if (in) fclose(in);
        if (out) fclose(out);
        goto done;
    }
    st = pp_stream_open(opts, 1, write_file, out, NULL, NULL, &stream);
    while (st == PP_STATUS_OK && (n = fread(buf, 1, sizeof buf, in)) > 0)
        st = pp_stream_push(stream, 0, buf, n);
    if (st == PP_STATUS_OK) st = pp_stream_finish(stream, &report);
    fclose(in);
    fclose(out);
    if (st != PP_STATUS_OK) {
        rc = fail("streaming", st); /* discard STREAM_OUT: it is incomplete */
        goto done;
    }
    pp_report_reads_in(report, &reads_in);
    printf("streaming: %llu reads in\n", (unsigned long long)reads_in);
    rc = 0;
done:
    pp_report_free(report);
    pp_stream_free(stream);
    pp_options_free(opts);
    return rc;
}
