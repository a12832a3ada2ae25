/* panelprep's messages and counters, and sessions sharing one worker pool: two streaming
 * sessions at once on a 2-thread pool, a log callback (the adapter each run detected) and a
 * statistics callback (records in and out so far), all called on this thread.
 *
 * Usage: observe_example IN.fq[.gz] */
#include "panelprep.h"

#include <stdio.h>
#include <stdlib.h>

static void on_log(void *userdata, pp_log_level level, const char *message) {
    (void)userdata;
    printf("log %s: %s\n", level == PP_LOG_INFO ? "info" : "warning", message);
}

static int on_stats(void *userdata, const pp_run_stats *stats) {
    *(uint64_t *)userdata = stats->records_out;
    return 0; /* non-zero cancels the run */
}

static int discard(void *userdata, const uint8_t *data, size_t len) {
    (void)data;
    *(size_t *)userdata += len;
    return 0;
}

int main(int argc, char **argv) {
    const pp_pool *pool = NULL;
    pp_options *o = NULL;
    pp_stream *s[2] = {NULL, NULL};
    size_t bytes_out[2] = {0, 0};
    uint64_t records_out = 0;
    pp_run_stats st;
    unsigned char buf[65536];
    size_t n;
    int i, failed = 0;
    FILE *in;
    if (argc != 2 || !(in = fopen(argv[1], "rb"))) {
        fprintf(stderr, "usage: %s IN.fq[.gz]\n", argv[0]);
        return 2;
    }
    pp_pool_new(2, &pool);
    pp_options_new(&o);
    pp_options_set_pool(o, pool); /* sessions share these 2 workers */
    pp_pool_free(pool);           /* the options hold their own reference */
    pp_options_set_log_callback(o, on_log, NULL);
    pp_options_set_stats_callback(o, on_stats, &records_out, 100);
    for (i = 0; i < 2; i++) pp_stream_open(o, 1, discard, &bytes_out[i], NULL, NULL, &s[i]);
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        for (i = 0; i < 2; i++) failed |= pp_stream_push(s[i], 0, buf, n) != PP_STATUS_OK;
    fclose(in);
    for (i = 0; i < 2; i++) {
        const pp_report *r = NULL;
        failed |= pp_stream_finish(s[i], &r) != PP_STATUS_OK;
        pp_stream_stats(s[i], &st); /* the same counters, polled */
        printf("session %d: %llu records in, %llu out, %zu bytes out\n", i,
               (unsigned long long)st.records_in, (unsigned long long)st.records_out,
               bytes_out[i]);
        pp_report_free(r);
        pp_stream_free(s[i]);
    }
    printf("stats callback last saw %llu records out\n", (unsigned long long)records_out);
    pp_options_free(o); /* the last reference to the pool: its threads exit */
    if (failed) fprintf(stderr, "failed: %s\n", pp_last_error_message());
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
