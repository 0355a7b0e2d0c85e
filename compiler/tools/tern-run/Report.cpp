//===- Report.cpp - What tern-run prints ----------------------------------===//

#include "Report.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace tern_run {

namespace {

std::string num(double v) {
  if (std::isnan(v))
    return "nan";
  if (std::isinf(v))
    return v > 0 ? "inf" : "-inf";
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.7g", v);
  return buf;
}

// JSON has no NaN or infinity: they are written as null.
std::string jnum(double v) {
  if (!std::isfinite(v))
    return "null";
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.9g", v);
  return buf;
}

std::string jstr(const std::string &s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += char(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", c);
      out += buf;
    } else {
      out += char(c);
    }
  }
  return out + "\"";
}

std::string jshape(const std::vector<int64_t> &shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + "]";
}

std::string bytesText(int64_t b) {
  if (b < 0)
    return "unknown";
  char buf[64];
  if (b < 1024)
    std::snprintf(buf, sizeof(buf), "%lld B", (long long)b);
  else if (b < 1024 * 1024)
    std::snprintf(buf, sizeof(buf), "%lld B (%.1f KiB)", (long long)b,
                  b / 1024.0);
  else
    std::snprintf(buf, sizeof(buf), "%lld B (%.1f MiB)", (long long)b,
                  b / (1024.0 * 1024.0));
  return buf;
}

std::string coords(const std::vector<int64_t> &c) { return shapeString(c); }

std::string threadsText(int t) { return t == 0 ? "auto" : std::to_string(t); }

void printProfile(const Report &r, FILE *out);

void printText(const Report &r, FILE *out) {
  std::fprintf(out, "model: %s (%s)\n", r.model.c_str(), r.library.c_str());
  std::fprintf(out, "target: %s\n",
               r.target.empty() ? "unknown" : r.target.c_str());
  for (const InputSummary &i : r.inputs)
    std::fprintf(out, "input %s: %s %s from %s\n", i.name.c_str(),
                 elemTypeName(i.type), shapeString(i.shape).c_str(),
                 i.source.c_str());
  for (const OutputSummary &o : r.outputs) {
    std::fprintf(out, "output %s: %s %s", o.name.c_str(), elemTypeName(o.type),
                 shapeString(o.shape).c_str());
    if (o.elements > 0)
      std::fprintf(out, " min %s max %s mean %s", num(o.min).c_str(),
                   num(o.max).c_str(), num(o.mean).c_str());
    std::fprintf(out, "\n");
    if (!o.top.empty()) {
      std::fprintf(out, "  top-%zu:", o.top.size());
      for (auto &[idx, v] : o.top)
        std::fprintf(out, " %lld=%s", (long long)idx, num(v).c_str());
      std::fprintf(out, "\n");
    }
  }
  for (const std::string &w : r.written)
    std::fprintf(out, "wrote %s\n", w.c_str());
  for (const CompareResult &c : r.compares) {
    std::fprintf(
        out, "expect %s: %s, %lld of %lld elements differ (rtol %g, atol %g)",
        c.name.c_str(), c.ok ? "match" : "MISMATCH", (long long)c.mismatches,
        (long long)c.elements, c.rtol, c.atol);
    if (c.worstIndex >= 0)
      std::fprintf(out, "; worst at %s: got %s, expected %s (|diff| %s)",
                   coords(c.worstCoords).c_str(), num(c.worstGot).c_str(),
                   num(c.worstExpected).c_str(),
                   num(std::fabs(c.worstGot - c.worstExpected)).c_str());
    std::fprintf(out, "\n");
  }
  if (!r.benchRan)
    return printProfile(r, out);
  std::fprintf(out, "bench: %d warmup, %d timed runs per thread count\n",
               r.warmup, r.repetitions);
  std::fprintf(out, "weights: %s\narena: %s\n",
               bytesText(r.weightBytes).c_str(),
               bytesText(r.arenaBytes).c_str());
  for (const BenchStats &b : r.bench)
    std::fprintf(out,
                 "threads %s: median %.4f ms, min %.4f ms, max %.4f ms, "
                 "%.1f runs/s\n",
                 threadsText(b.threads).c_str(), b.medianMs, b.minMs, b.maxMs,
                 b.runsPerSecond);
  std::fprintf(out, "peak RSS: %s\n", bytesText(r.peakRssBytes).c_str());
  printProfile(r, out);
}

// The profile as a table: Markdown's pipes, which read as text too.
void printProfile(const Report &r, FILE *out) {
  const Profile &p = r.profile;
  if (!p.ran)
    return;
  double total = p.totalSeconds();
  std::fprintf(out,
               "\nprofile: %d runs, threads %s, read bandwidth %.1f GB/s "
               "(%s); per run:\n\n",
               p.runs, threadsText(p.threads).c_str(), p.readGBs,
               p.bandwidthGiven ? "given" : "measured, varied data");
  std::fprintf(out, "| layer | op | format | time us | share | bytes | "
                    "GB/s | ops | G op/s | roofline us | of roofline |\n");
  std::fprintf(out, "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | "
                    "---: | ---: | ---: |\n");
  for (const LayerProfile &l : p.layers) {
    double roof = p.rooflineSeconds(l);
    std::fprintf(out,
                 "| %s | %s | %s | %.2f | %.1f%% | %lld | %.2f | %lld | %.2f "
                 "| %.2f | %.0f%% |\n",
                 l.name.c_str(), l.op.c_str(), l.format.c_str(),
                 l.seconds * 1e6, 100.0 * l.share, (long long)l.bytes,
                 l.gbPerSecond(), (long long)l.ops, l.gopPerSecond(),
                 roof * 1e6, l.seconds > 0 ? 100.0 * roof / l.seconds : 0.0);
  }
  std::fprintf(out, "| total | | | %.2f | 100%% | | | | | | |\n", total * 1e6);
}

void printMarkdown(const Report &r, FILE *out) {
  if (!r.benchRan) {
    printText(r, out);
    return;
  }
  Report summary = r;
  summary.benchRan = false;
  summary.profile.ran = false;
  printText(summary, out);
  std::fprintf(out,
               "\n| model | target | threads | median ms | min ms | max ms "
               "| runs/s |\n");
  std::fprintf(out, "| --- | --- | ---: | ---: | ---: | ---: | ---: |\n");
  for (const BenchStats &b : r.bench)
    std::fprintf(out, "| %s | %s | %s | %.4f | %.4f | %.4f | %.1f |\n",
                 r.model.c_str(), r.target.c_str(),
                 threadsText(b.threads).c_str(), b.medianMs, b.minMs, b.maxMs,
                 b.runsPerSecond);
  std::fprintf(out,
               "\nweights: %s, arena: %s, peak RSS: %s; %d warmup, %d "
               "timed runs each\n",
               bytesText(r.weightBytes).c_str(),
               bytesText(r.arenaBytes).c_str(),
               bytesText(r.peakRssBytes).c_str(), r.warmup, r.repetitions);
  printProfile(r, out);
}

void printJson(const Report &r, FILE *out) {
  auto opt = [](int64_t v) {
    return v < 0 ? std::string("null") : std::to_string(v);
  };
  std::string s = "{\n";
  s += "  \"model\": " + jstr(r.model) + ",\n";
  s += "  \"library\": " + jstr(r.library) + ",\n";
  s += "  \"target\": " + jstr(r.target) + ",\n";
  s += "  \"weight_bytes\": " + opt(r.weightBytes) + ",\n";
  s += "  \"arena_bytes\": " + opt(r.arenaBytes) + ",\n";
  s += "  \"peak_rss_bytes\": " + opt(r.peakRssBytes) + ",\n";
  s += "  \"inputs\": [";
  for (size_t i = 0; i < r.inputs.size(); ++i) {
    const InputSummary &in = r.inputs[i];
    s += std::string(i ? "," : "") + "\n    {\"name\": " + jstr(in.name) +
         ", \"dtype\": " + jstr(elemTypeName(in.type)) +
         ", \"shape\": " + jshape(in.shape) +
         ", \"source\": " + jstr(in.source) + "}";
  }
  s += r.inputs.empty() ? "],\n" : "\n  ],\n";
  s += "  \"outputs\": [";
  for (size_t i = 0; i < r.outputs.size(); ++i) {
    const OutputSummary &o = r.outputs[i];
    s += std::string(i ? "," : "") + "\n    {\"name\": " + jstr(o.name) +
         ", \"dtype\": " + jstr(elemTypeName(o.type)) +
         ", \"shape\": " + jshape(o.shape);
    if (o.elements > 0)
      s += ", \"min\": " + jnum(o.min) + ", \"max\": " + jnum(o.max) +
           ", \"mean\": " + jnum(o.mean);
    if (!o.top.empty()) {
      s += ", \"top\": [";
      for (size_t k = 0; k < o.top.size(); ++k)
        s += std::string(k ? ", " : "") + "[" + std::to_string(o.top[k].first) +
             ", " + jnum(o.top[k].second) + "]";
      s += "]";
    }
    s += "}";
  }
  s += r.outputs.empty() ? "],\n" : "\n  ],\n";
  s += "  \"written\": [";
  for (size_t i = 0; i < r.written.size(); ++i)
    s += (i ? ", " : "") + jstr(r.written[i]);
  s += "],\n  \"expect\": [";
  for (size_t i = 0; i < r.compares.size(); ++i) {
    const CompareResult &c = r.compares[i];
    s += std::string(i ? "," : "") + "\n    {\"name\": " + jstr(c.name) +
         ", \"file\": " + jstr(c.file) +
         ", \"match\": " + (c.ok ? "true" : "false") +
         ", \"mismatches\": " + std::to_string(c.mismatches) +
         ", \"elements\": " + std::to_string(c.elements) +
         ", \"rtol\": " + jnum(c.rtol) + ", \"atol\": " + jnum(c.atol) +
         ", \"worst_index\": " + jshape(c.worstCoords) +
         ", \"worst_got\": " + jnum(c.worstGot) +
         ", \"worst_expected\": " + jnum(c.worstExpected) + "}";
  }
  s += r.compares.empty() ? "]" : "\n  ]";
  if (r.benchRan) {
    s += ",\n  \"warmup\": " + std::to_string(r.warmup) +
         ",\n  \"repetitions\": " + std::to_string(r.repetitions) +
         ",\n  \"bench\": [";
    for (size_t i = 0; i < r.bench.size(); ++i) {
      const BenchStats &b = r.bench[i];
      s += std::string(i ? "," : "") + "\n    {\"model\": " + jstr(r.model) +
           ", \"threads\": " + std::to_string(b.threads) +
           ", \"runs\": " + std::to_string(b.runs) +
           ", \"median_ms\": " + jnum(b.medianMs) +
           ", \"min_ms\": " + jnum(b.minMs) + ", \"max_ms\": " + jnum(b.maxMs) +
           ", \"mean_ms\": " + jnum(b.meanMs) +
           ", \"runs_per_s\": " + jnum(b.runsPerSecond) + "}";
    }
    s += "\n  ]";
  }
  if (r.profile.ran) {
    const Profile &p = r.profile;
    s += ",\n  \"profile\": {\"runs\": " + std::to_string(p.runs) +
         ", \"threads\": " + std::to_string(p.threads) +
         ", \"read_gb_per_s\": " + jnum(p.readGBs) +
         ", \"bandwidth_given\": " + (p.bandwidthGiven ? "true" : "false") +
         ", \"total_s\": " + jnum(p.totalSeconds()) + ", \"layers\": [";
    for (size_t i = 0; i < p.layers.size(); ++i) {
      const LayerProfile &l = p.layers[i];
      s += std::string(i ? "," : "") + "\n    {\"name\": " + jstr(l.name) +
           ", \"op\": " + jstr(l.op) + ", \"format\": " + jstr(l.format) +
           ", \"seconds\": " + jnum(l.seconds) +
           ", \"share\": " + jnum(l.share) +
           ", \"bytes\": " + std::to_string(l.bytes) +
           ", \"weight_bytes\": " + std::to_string(l.weightBytes) +
           ", \"ops\": " + std::to_string(l.ops) +
           ", \"kernel_calls\": " + std::to_string(l.kernelCalls) +
           ", \"gb_per_s\": " + jnum(l.gbPerSecond()) +
           ", \"gop_per_s\": " + jnum(l.gopPerSecond()) +
           ", \"roofline_s\": " + jnum(p.rooflineSeconds(l)) + "}";
    }
    s += "\n  ]}";
  }
  s += "\n}\n";
  std::fputs(s.c_str(), out);
}

} // namespace

std::vector<int64_t> unravel(int64_t index, const std::vector<int64_t> &shape) {
  std::vector<int64_t> c(shape.size(), 0);
  for (size_t i = shape.size(); i-- > 0;) {
    if (shape[i] > 0) {
      c[i] = index % shape[i];
      index /= shape[i];
    }
  }
  return c;
}

OutputSummary summarize(const Buffer &b) {
  OutputSummary s;
  s.name = b.name;
  s.type = b.type;
  s.shape = b.shape;
  s.elements = b.numElements();
  double sum = 0;
  bool nan = false;
  for (int64_t i = 0; i < s.elements; ++i) {
    double v = elementAsDouble(b.type, b.data.data(), i);
    nan = nan || std::isnan(v);
    if (i == 0 || v < s.min)
      s.min = v;
    if (i == 0 || v > s.max)
      s.max = v;
    sum += v;
  }
  if (nan) // NaN is neither smaller nor larger: say it is there
    s.min = s.max = NAN;
  if (s.elements > 0)
    s.mean = sum / double(s.elements);
  bool vector = b.shape.size() == 1 || (b.shape.size() == 2 && b.shape[0] == 1);
  if (vector && s.elements > 0) {
    std::vector<std::pair<int64_t, double>> all;
    for (int64_t i = 0; i < s.elements; ++i)
      all.emplace_back(i, elementAsDouble(b.type, b.data.data(), i));
    size_t k = std::min<size_t>(5, all.size());
    std::partial_sort(all.begin(), all.begin() + k, all.end(),
                      [](const auto &a, const auto &c) {
                        // Largest first, NaNs last, ties by index.
                        bool an = std::isnan(a.second),
                             cn = std::isnan(c.second);
                        if (an || cn)
                          return !an && cn;
                        return a.second > c.second ||
                               (a.second == c.second && a.first < c.first);
                      });
    s.top.assign(all.begin(), all.begin() + k);
  }
  return s;
}

BenchStats benchStats(int threads, std::vector<double> ms) {
  BenchStats b;
  b.threads = threads;
  b.runs = static_cast<int>(ms.size());
  if (ms.empty())
    return b;
  std::sort(ms.begin(), ms.end());
  size_t n = ms.size();
  b.medianMs = n % 2 ? ms[n / 2] : (ms[n / 2 - 1] + ms[n / 2]) / 2;
  b.minMs = ms.front();
  b.maxMs = ms.back();
  b.meanMs = std::accumulate(ms.begin(), ms.end(), 0.0) / double(n);
  b.runsPerSecond = b.medianMs > 0 ? 1000.0 / b.medianMs : 0;
  return b;
}

void printReport(const Report &r, FILE *out) {
  switch (r.format) {
  case Format::Text:
    printText(r, out);
    break;
  case Format::Markdown:
    printMarkdown(r, out);
    break;
  case Format::Json:
    printJson(r, out);
    break;
  }
  std::fflush(out);
}

} // namespace tern_run
