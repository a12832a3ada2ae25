// C++11 exercise of the panelprep C API, the way a C++ instrument program would wrap it: RAII
// owners for every handle, lambdas as callbacks, std::thread for cancellation. Covers file
// mode, streaming (output identical to file mode for random push sizes), errors (bad path,
// malformed FASTQ, NULL arguments), cancellation, and every CLI option as JSON (trimming and
// coverage; tests/c_api.rs compares the outputs with the CLI's given the same flags).
//
// Usage: api_test_cpp DIR (the inputs written by tests/c_api.rs). Prints "key=value" lines and
// "ALL PASSED"; exit status is the number of failed checks.

#include "panelprep.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

int failures = 0;

void check(bool ok, const char *what, int line) {
    if (!ok) {
        std::fprintf(stderr, "FAIL api_test.cpp:%d: %s (last error: %s)\n", line, what,
                     pp_last_error_message());
        ++failures;
    }
}
#define CHECK(cond) check((cond), #cond, __LINE__)
#define CHECK_STATUS(call, want) check((call) == (want), #call " == " #want, __LINE__)

// RAII owners: each handle type with its _free function.
struct OptionsFree {
    void operator()(pp_options *p) const { pp_options_free(p); }
};
struct ReportFree {
    void operator()(const pp_report *p) const { pp_report_free(p); }
};
struct StreamFree {
    void operator()(pp_stream *p) const { pp_stream_free(p); }
};
struct TokenFree {
    void operator()(const pp_cancel_token *p) const { pp_cancel_token_free(p); }
};
struct StringFree {
    void operator()(char *p) const { pp_string_free(p); }
};
struct CoverageOptionsFree {
    void operator()(pp_coverage_options *p) const { pp_coverage_options_free(p); }
};
struct CoverageReportFree {
    void operator()(const pp_coverage_report *p) const { pp_coverage_report_free(p); }
};
using Options = std::unique_ptr<pp_options, OptionsFree>;
using Report = std::unique_ptr<const pp_report, ReportFree>;
using Stream = std::unique_ptr<pp_stream, StreamFree>;
using Token = std::unique_ptr<const pp_cancel_token, TokenFree>;
using String = std::unique_ptr<char, StringFree>;
using CoverageOptions = std::unique_ptr<pp_coverage_options, CoverageOptionsFree>;
using CoverageReport = std::unique_ptr<const pp_coverage_report, CoverageReportFree>;

using Bytes = std::vector<unsigned char>;

std::string dir;
std::string path(const char *name) { return dir + "/" + name; }

Bytes read_file(const std::string &p) {
    std::ifstream f(p.c_str(), std::ios::binary);
    CHECK(f.good());
    return Bytes(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

bool exists(const std::string &p) { return std::ifstream(p.c_str()).good(); }

Options new_options() {
    pp_options *o = nullptr;
    CHECK_STATUS(pp_options_new(&o), PP_STATUS_OK);
    return Options(o);
}

uint64_t reads_in(const Report &r) {
    uint64_t v = 0;
    CHECK_STATUS(pp_report_reads_in(r.get(), &v), PP_STATUS_OK);
    return v;
}

int append(void *userdata, const uint8_t *data, size_t len) {
    Bytes *b = static_cast<Bytes *>(userdata);
    b->insert(b->end(), data, data + len);
    return 0;
}

void file_mode_and_streaming() {
    Options o = new_options();
    CHECK_STATUS(pp_options_set_json(o.get(), R"({"thread": 2, "compression": 5})"), PP_STATUS_OK);
    const pp_report *raw = nullptr;
    CHECK_STATUS(pp_run_pe(o.get(), path("r1.fq.gz").c_str(), path("r2.fq.gz").c_str(),
                           path("cpp_r1.fq.gz").c_str(), path("cpp_r2.fq.gz").c_str(), &raw),
                 PP_STATUS_OK);
    Report file_report(raw);
    std::printf("cpp_file_pe reads_in=%llu\n", (unsigned long long)reads_in(file_report));
    String json;
    {
        char *j = nullptr;
        CHECK_STATUS(pp_report_summary_json(file_report.get(), &j), PP_STATUS_OK);
        json.reset(j);
    }
    CHECK(json && std::string(json.get()).find("\"paired\":true") != std::string::npos);
    {
        char *j = nullptr;
        CHECK_STATUS(pp_report_json(file_report.get(), &j), PP_STATUS_OK);
        json.reset(j);
    }
    CHECK(json && std::string(json.get()).find("paired end") != std::string::npos);

    // The same input streamed in random pieces: identical BGZF bytes.
    CHECK_STATUS(pp_options_set_compress(o.get(), true), PP_STATUS_OK);
    Bytes out[2];
    pp_stream *s = nullptr;
    CHECK_STATUS(pp_stream_open(o.get(), 2, append, &out[0], append, &out[1], &s), PP_STATUS_OK);
    Stream stream(s);
    Bytes in[2] = {read_file(path("r1.fq.gz")), read_file(path("r2.fq.gz"))};
    std::mt19937 rng(12345);
    size_t pos[2] = {0, 0};
    while (pos[0] < in[0].size() || pos[1] < in[1].size()) {
        size_t i = rng() % 2;
        if (pos[i] == in[i].size()) i = 1 - i;
        size_t len = std::min<size_t>(rng() % 30000, in[i].size() - pos[i]);
        CHECK_STATUS(pp_stream_push(stream.get(), uint32_t(i), in[i].data() + pos[i], len),
                     PP_STATUS_OK);
        pos[i] += len;
    }
    const pp_report *sraw = nullptr;
    CHECK_STATUS(pp_stream_finish(stream.get(), &sraw), PP_STATUS_OK);
    Report stream_report(sraw);
    CHECK(reads_in(stream_report) == reads_in(file_report));
    bool same = out[0] == read_file(path("cpp_r1.fq.gz")) && out[1] == read_file(path("cpp_r2.fq.gz"));
    CHECK(same);
    std::printf("cpp_stream_pe identical=%d\n", same ? 1 : 0);
}

void errors() {
    Options o = new_options();
    const pp_report *r = nullptr;
    CHECK_STATUS(pp_run_se(o.get(), path("missing.fq").c_str(), nullptr, &r), PP_STATUS_IO_ERROR);
    CHECK(std::strstr(pp_last_error_message(), "missing.fq") != nullptr);
    CHECK_STATUS(pp_run_se(o.get(), path("bad.fq").c_str(), path("cpp_bad.fq").c_str(), &r),
                 PP_STATUS_FORMAT_ERROR);
    CHECK(std::strstr(pp_last_error_message(), "record 3") != nullptr);
    CHECK(!exists(path("cpp_bad.fq")));
    CHECK(r == nullptr);
    CHECK_STATUS(pp_run_se(nullptr, path("se.fq").c_str(), nullptr, &r), PP_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(pp_report_reads_in(nullptr, nullptr), PP_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(pp_stream_push(nullptr, 0, nullptr, 0), PP_STATUS_NULL_ARGUMENT);
    // The last error is per thread: another thread's failure does not show here.
    std::thread([] {
        CHECK_STATUS(pp_options_set_threads(nullptr, 1), PP_STATUS_NULL_ARGUMENT);
    }).join();
    CHECK(std::strstr(pp_last_error_message(), "argument stream is NULL") != nullptr);
    std::printf("cpp_errors=ok\n");
}

void cancellation() {
    Options o = new_options();
    const pp_cancel_token *t = nullptr;
    CHECK_STATUS(pp_cancel_token_new(&t), PP_STATUS_OK);
    Token token(t);
    CHECK_STATUS(pp_options_set_cancel_token(o.get(), token.get()), PP_STATUS_OK);

    // File mode: a lambda progress callback that cancels at once; no output left.
    int calls = 0;
    pp_progress_callback cancel_now = [](void *ud, uint64_t, uint64_t) -> int {
        ++*static_cast<int *>(ud);
        return 1;
    };
    CHECK_STATUS(pp_options_set_progress(o.get(), cancel_now, &calls, 5), PP_STATUS_OK);
    const pp_report *r = nullptr;
    CHECK_STATUS(pp_run_se(o.get(), path("se.fq").c_str(), path("cpp_cancel.fq").c_str(), &r),
                 PP_STATUS_CANCELLED);
    CHECK(calls >= 1);
    CHECK(!exists(path("cpp_cancel.fq")));
    CHECK_STATUS(pp_options_set_progress(o.get(), nullptr, nullptr, 0), PP_STATUS_OK);

    // Streaming: another thread cancels the token while this one pushes an endless input.
    Bytes se = read_file(path("se.fq"));
    Bytes out;
    pp_stream *s = nullptr;
    CHECK_STATUS(pp_stream_open(o.get(), 1, append, &out, nullptr, nullptr, &s), PP_STATUS_OK);
    Stream stream(s);
    const pp_cancel_token *shared = token.get();
    std::thread canceller([shared] {
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
        pp_cancel_token_cancel(shared);
    });
    pp_status st = PP_STATUS_OK;
    while (st == PP_STATUS_OK) st = pp_stream_push(stream.get(), 0, se.data(), se.size());
    canceller.join();
    CHECK(st == PP_STATUS_CANCELLED);
    const pp_report *sr = nullptr;
    CHECK_STATUS(pp_stream_finish(stream.get(), &sr), PP_STATUS_CANCELLED);
    CHECK(sr == nullptr);
    std::printf("cpp_cancellation=ok\n");
}

// The flags tests/c_api.rs gives `panelprep trim` for the same run.
const char *const kTrimJson = R"({"adapter_sequence": "AGATCGGAAGAGC", "cut_tail": true,
    "trim_poly_x": true, "length_required": 30, "umi": true, "umi_loc": "read1", "umi_len": 8})";

// The flags tests/c_api.rs gives `panelprep coverage` for the same run.
const char *const kCoverageJson = R"({"preset": "picard-hs", "thresholds": [10, 30],
    "mapq": 10, "low_coverage": 50, "threads": 1, "gate": ["mean_target_coverage<=1000000"]})";

void json_options() {
    Options o = new_options();
    CHECK_STATUS(pp_options_set_json(o.get(), kTrimJson), PP_STATUS_OK);
    CHECK_STATUS(pp_options_set_json(o.get(), R"({"trim_poly_xx": true})"),
                 PP_STATUS_INVALID_OPTION);
    CHECK(std::strstr(pp_last_error_message(), "trim_poly_xx") != nullptr);
    const pp_report *raw = nullptr;
    CHECK_STATUS(pp_run_pe(o.get(), path("demo_R1.fq.gz").c_str(), path("demo_R2.fq.gz").c_str(),
                           path("cpp_json_r1.fq.gz").c_str(), path("cpp_json_r2.fq.gz").c_str(),
                           &raw),
                 PP_STATUS_OK);
    Report report(raw);
    std::printf("cpp_json_pe reads_in=%llu\n", (unsigned long long)reads_in(report));

    pp_coverage_options *co = nullptr;
    CHECK_STATUS(pp_coverage_options_new(&co), PP_STATUS_OK);
    CoverageOptions cov(co);
    CHECK_STATUS(pp_coverage_options_set_json(cov.get(), R"({"mapq": "high"})"),
                 PP_STATUS_INVALID_OPTION);
    CHECK(std::strstr(pp_last_error_message(), "mapq") != nullptr);
    CHECK_STATUS(pp_coverage_options_set_json(cov.get(), kCoverageJson), PP_STATUS_OK);
    if (!exists(path("panel.bam"))) {
        std::printf("cpp_coverage=skipped\n");
        return;
    }
    const pp_coverage_report *craw = nullptr;
    CHECK_STATUS(pp_coverage_run_with_options(path("panel.bam").c_str(), path("panel.bed").c_str(),
                                              cov.get(), path("cpp_cov").c_str(), &craw),
                 PP_STATUS_OK);
    CoverageReport creport(craw);
    int32_t gate = 0;
    CHECK_STATUS(pp_coverage_report_gate(creport.get(), &gate), PP_STATUS_OK);
    CHECK(gate == 1);
    std::printf("cpp_coverage=ok\n");
}

}  // namespace

int main(int argc, char **argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    dir = argv[1];
    std::printf("cpp_version=%s\n", pp_version());
    file_mode_and_streaming();
    json_options();
    errors();
    cancellation();
    if (failures == 0) std::printf("ALL PASSED\n");
    return failures;
}
