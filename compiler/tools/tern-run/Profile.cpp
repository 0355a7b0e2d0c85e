//===- Profile.cpp - tern-run --profile: time per layer -------------------===//
//
// See Profile.h.
//
//===----------------------------------------------------------------------===//

#include "Profile.h"
#include "Options.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

namespace tern_run {

double Profile::totalSeconds() const {
  double total = 0;
  for (const LayerProfile &l : layers)
    total += l.seconds;
  return total;
}

double measureReadBandwidth(int threads) {
  if (threads <= 0)
    threads = std::max(1u, std::thread::hardware_concurrency());
  const size_t words = (size_t(128) << 20) / sizeof(uint64_t);
  std::unique_ptr<uint64_t[]> data(new uint64_t[words]);
  // Varied data (xorshift): no two pages alike.
  uint64_t x = 0x9e3779b97f4a7c15ull;
  for (size_t i = 0; i < words; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    data[i] = x;
  }
  std::vector<uint64_t> sums(threads);
  double best = 0;
  for (int pass = 0; pass < 4; ++pass) {
    auto t0 = std::chrono::steady_clock::now();
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        size_t begin = words * t / threads, end = words * (t + 1) / threads;
        // Four independent sums so that the loop is bound by loads.
        uint64_t a = 0, b = 0, c = 0, d = 0;
        size_t i = begin;
        for (; i + 4 <= end; i += 4) {
          a += data[i];
          b += data[i + 1];
          c += data[i + 2];
          d += data[i + 3];
        }
        for (; i < end; ++i)
          a += data[i];
        sums[t] = a + b + c + d;
      });
    for (std::thread &t : pool)
      t.join();
    double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
            .count();
    if (pass > 0) // the first pass faults the pages in
      best = std::max(best, words * sizeof(uint64_t) / s / 1e9);
  }
  // Keep the sums alive.
  volatile uint64_t sink = 0;
  for (uint64_t s : sums)
    sink = sink + s;
  return best;
}

namespace {

std::string xmlEscape(const std::string &s) {
  std::string out;
  for (char c : s) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

std::string human(double v, const char *unit) {
  const char *prefixes[] = {"", "k", "M", "G", "T"};
  int p = 0;
  while (v >= 1000 && p < 4) {
    v /= 1000;
    ++p;
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3g %s%s", v, prefixes[p], unit);
  return buf;
}

} // namespace

void writeProfileSvg(const std::string &path, const std::string &model,
                     const Profile &p) {
  const int rowH = 22, top = 56, labelW = 230, panelW = 250, gap = 24;
  const int n = static_cast<int>(p.layers.size());
  const int width = labelW + 3 * (panelW + gap) + 16;
  const int height = top + n * rowH + 40;
  struct Panel {
    const char *title, *color;
    double (*value)(const LayerProfile &);
    const char *unit;
  };
  const Panel panels[] = {
      {"bytes moved per run", "#4e79a7",
       [](const LayerProfile &l) { return double(l.bytes); }, "B"},
      {"operations per run", "#f28e2b",
       [](const LayerProfile &l) { return double(l.ops); }, "op"},
      {"time per run", "#59a14f",
       [](const LayerProfile &l) { return l.seconds; }, "s"},
  };
  std::ostringstream os;
  os << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width
     << "\" height=\"" << height << "\" font-family=\"sans-serif\" "
     << "font-size=\"12\">\n"
     << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
     << "<text x=\"8\" y=\"20\" font-size=\"15\" font-weight=\"bold\">"
     << xmlEscape(model) << ": per-layer profile (" << p.runs << " runs, "
     << (p.threads ? std::to_string(p.threads) : std::string("all"))
     << " threads)</text>\n";
  for (int i = 0; i < n; ++i) {
    const LayerProfile &l = p.layers[i];
    int y = top + i * rowH;
    os << "<text x=\"" << labelW - 6 << "\" y=\"" << y + 15
       << "\" text-anchor=\"end\">" << xmlEscape(l.name) << "</text>\n";
  }
  for (int k = 0; k < 3; ++k) {
    const Panel &panel = panels[k];
    int x0 = labelW + k * (panelW + gap);
    double max = 0;
    for (const LayerProfile &l : p.layers)
      max = std::max(max, panel.value(l));
    os << "<text x=\"" << x0 << "\" y=\"" << top - 10
       << "\" font-weight=\"bold\">" << panel.title << "</text>\n"
       << "<line x1=\"" << x0 << "\" y1=\"" << top - 4 << "\" x2=\"" << x0
       << "\" y2=\"" << top + n * rowH << "\" stroke=\"#999\"/>\n";
    for (int i = 0; i < n; ++i) {
      double v = panel.value(p.layers[i]);
      int w = max > 0 ? static_cast<int>((panelW - 70) * v / max + 0.5) : 0;
      int y = top + i * rowH;
      os << "<rect x=\"" << x0 << "\" y=\"" << y + 3 << "\" width=\"" << w
         << "\" height=\"" << rowH - 6 << "\" fill=\"" << panel.color
         << "\"><title>" << xmlEscape(p.layers[i].name) << ": "
         << human(v, panel.unit) << "</title></rect>\n"
         << "<text x=\"" << x0 + w + 4 << "\" y=\"" << y + 15 << "\">"
         << human(v, panel.unit) << "</text>\n";
    }
  }
  os << "<text x=\"8\" y=\"" << height - 12 << "\" fill=\"#555\">"
     << "Bytes: what the layer's kernels read and write in one run. Read "
        "bandwidth "
     << human(p.readGBs * 1e9, "B/s")
     << (p.bandwidthGiven ? " (given)" : " (measured, varied data)")
     << ". tern-run --profile --svg</text>\n</svg>\n";
  std::ofstream f(path, std::ios::binary);
  if (!f || !(f << os.str()) || !f.flush())
    throw UsageError("cannot write the SVG file '" + path + "'");
}

} // namespace tern_run
