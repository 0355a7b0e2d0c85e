//===- SparseWeights.cpp - Sparse weight analysis, pruning, formats -------===//

#include "tern/Analysis/SparseWeights.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>

namespace mlir::tern::sparse {

const char *name(Format f) {
  switch (f) {
  case Format::Dense:
    return "dense";
  case Format::Ell:
    return "ell";
  case Format::NM:
    return "nm";
  case Format::Bsr:
    return "bsr";
  }
  return "?";
}

std::string Stats::pattern() const {
  if (nnz == 0)
    return "all zero";
  if (nnz == n * k)
    return "dense";
  if (nmM)
    return std::to_string(nmN) + ":" + std::to_string(nmM);
  // Nonzeros gathered into few, well-filled blocks.
  if (blockDensity() <= 0.5 && density() >= 0.75 * blockDensity())
    return "block " + std::to_string(kBlock) + "x" + std::to_string(kBlock);
  return "unstructured";
}

Stats analyze(const std::vector<float> &w, int64_t n, int64_t k) {
  Stats s;
  s.n = n;
  s.k = k;
  // Largest nonzero count in any group of 4 and of 8 inputs.
  int max4 = 0, max8 = 0;
  for (int64_t r = 0; r < n; ++r) {
    const float *row = w.data() + r * k;
    int64_t rowNnz = 0;
    int c4 = 0, c8 = 0;
    for (int64_t c = 0; c < k; ++c) {
      bool nz = row[c] != 0.0f;
      rowNnz += nz;
      c4 += nz;
      c8 += nz;
      if (c % 4 == 3 || c + 1 == k) {
        max4 = std::max(max4, c4);
        c4 = 0;
      }
      if (c % 8 == 7 || c + 1 == k) {
        max8 = std::max(max8, c8);
        c8 = 0;
      }
    }
    s.nnz += rowNnz;
    s.maxRowNnz = std::max(s.maxRowNnz, rowNnz);
  }
  if (s.nnz > 0 && max4 <= 1) {
    s.nmN = 1;
    s.nmM = 4;
  } else if (s.nnz > 0 && max4 <= 2) {
    s.nmN = 2;
    s.nmM = 4;
  } else if (s.nnz > 0 && max8 <= 4) {
    s.nmN = 4;
    s.nmM = 8;
  }
  int64_t rowBlocks = (n + kBlock - 1) / kBlock;
  int64_t colBlocks = (k + kBlock - 1) / kBlock;
  s.totalBlocks = rowBlocks * colBlocks;
  for (int64_t rb = 0; rb < rowBlocks; ++rb) {
    int64_t count = 0;
    for (int64_t cb = 0; cb < colBlocks; ++cb) {
      bool nz = false;
      for (int64_t r = rb * kBlock; r < std::min(n, (rb + 1) * kBlock) && !nz;
           ++r)
        for (int64_t c = cb * kBlock; c < std::min(k, (cb + 1) * kBlock); ++c)
          if (w[r * k + c] != 0.0f) {
            nz = true;
            break;
          }
      count += nz;
    }
    s.nonzeroBlocks += count;
    s.maxBlocksPerRow = std::max(s.maxBlocksPerRow, count);
  }
  return s;
}

//===----------------------------------------------------------------------===//
// Pruning
//===----------------------------------------------------------------------===//

namespace {

double relativeError(const std::vector<float> &before,
                     const std::vector<float> &after) {
  double err = 0, norm = 0;
  for (size_t i = 0; i < before.size(); ++i) {
    double d = double(before[i]) - after[i];
    err += d * d;
    norm += double(before[i]) * before[i];
  }
  return norm > 0 ? std::sqrt(err / norm) : 0.0;
}

} // namespace

double pruneNM(std::vector<float> &w, int64_t n, int64_t k, int keep,
               int group) {
  std::vector<float> before = w;
  std::vector<int64_t> order;
  for (int64_t r = 0; r < n; ++r)
    for (int64_t g = 0; g < k; g += group) {
      int64_t end = std::min(k, g + group);
      order.clear();
      for (int64_t c = g; c < end; ++c)
        order.push_back(c);
      // Largest magnitude first; ties keep the lower index.
      std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
        return std::fabs(w[r * k + a]) > std::fabs(w[r * k + b]);
      });
      for (size_t i = keep; i < order.size(); ++i)
        w[r * k + order[i]] = 0.0f;
    }
  return relativeError(before, w);
}

double pruneBlocks(std::vector<float> &w, int64_t n, int64_t k, int bn, int bk,
                   double sparsity) {
  std::vector<float> before = w;
  int64_t rowBlocks = (n + bn - 1) / bn, colBlocks = (k + bk - 1) / bk;
  int64_t total = rowBlocks * colBlocks;
  std::vector<double> norm(total, 0.0);
  for (int64_t r = 0; r < n; ++r)
    for (int64_t c = 0; c < k; ++c)
      norm[(r / bn) * colBlocks + c / bk] +=
          double(w[r * k + c]) * w[r * k + c];
  std::vector<int64_t> order(total);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int64_t a, int64_t b) { return norm[a] < norm[b]; });
  auto drop = static_cast<int64_t>(std::llround(sparsity * total));
  drop = std::clamp<int64_t>(drop, 0, total);
  std::vector<char> zero(total, 0);
  for (int64_t i = 0; i < drop; ++i)
    zero[order[i]] = 1;
  for (int64_t r = 0; r < n; ++r)
    for (int64_t c = 0; c < k; ++c)
      if (zero[(r / bn) * colBlocks + c / bk])
        w[r * k + c] = 0.0f;
  return relativeError(before, w);
}

double pruneUnstructured(std::vector<float> &w, int64_t n, int64_t k,
                         double sparsity) {
  std::vector<float> before = w;
  int64_t size = n * k;
  std::vector<int64_t> order(size);
  std::iota(order.begin(), order.end(), 0);
  auto drop = static_cast<int64_t>(std::llround(sparsity * size));
  drop = std::clamp<int64_t>(drop, 0, size);
  auto less = [&](int64_t a, int64_t b) {
    float fa = std::fabs(w[a]), fb = std::fabs(w[b]);
    return fa < fb || (fa == fb && a < b);
  };
  if (drop > 0 && drop < size)
    std::nth_element(order.begin(), order.begin() + drop, order.end(), less);
  for (int64_t i = 0; i < drop; ++i)
    w[order[i]] = 0.0f;
  return relativeError(before, w);
}

float magnitudeThreshold(std::vector<float> &magnitudes, double sparsity) {
  if (magnitudes.empty())
    return 0.0f;
  auto at = static_cast<int64_t>(
      std::llround(sparsity * static_cast<double>(magnitudes.size())));
  if (at <= 0)
    return 0.0f;
  if (at >= static_cast<int64_t>(magnitudes.size()))
    return std::numeric_limits<float>::infinity();
  std::nth_element(magnitudes.begin(), magnitudes.begin() + at,
                   magnitudes.end());
  return magnitudes[at];
}

double pruneBelow(std::vector<float> &w, float threshold) {
  std::vector<float> before = w;
  for (float &v : w)
    if (std::fabs(v) < threshold)
      v = 0.0f;
  return relativeError(before, w);
}

//===----------------------------------------------------------------------===//
// Cost model
//===----------------------------------------------------------------------===//

namespace {

/// Time per stored entry of each kernel, `perEntry + perRow * m` ns at m
/// rows of activations, fitted to Tern's own kernels on this project's
/// 2-core AVX-512 machine (4096 x 4096 at batch 1, 32 and 128 and
/// 4096 x 11008 at batch 1, every pattern; bench/results/sparse-kernels.md,
/// 2026-12-07, after the gather and sliced-ELL kernels), measured and
/// fitted with
///   bench/sparse_kernels.sh bench/results/sparse-kernels.json
///   python3 bench/fit_sparse_costs.py bench/results/sparse-kernels.json
/// Dense is Tern's dense f32 kernel (weights K x N, 16 output vectors per
/// step at batch 1). ELL reads activations at stored columns with hardware
/// gathers at batch 1 and stops each tile at its longest row (sliced ELL);
/// from 16 rows on, ELL and BSR read a transposed copy, 16-row vectors;
/// BSR at batch 1 unrolls 16 scalar accumulators; N:M selects among a
/// group's broadcast activations.
/// Crossover: ELL stores 6 bytes an entry against dense's 4 and now costs
/// about what a dense weight does per entry at batch 1 (0.116 against 0.128
/// ns) and 0.68x at batch 32, so a sparse format must store fewer bytes
/// than dense to be chosen (below about 65% density, padding included)
/// and then wins.
struct EntryCost {
  double perEntry, perRow;
};
constexpr EntryCost kDenseCost{0.0853, 0.0425};
constexpr EntryCost kEllCost{0.0869, 0.0289};
constexpr EntryCost kNMCost{0.0789, 0.0309};
constexpr EntryCost kBsrCost{0.1366, 0.0191};

/// Ternary layers, in ns on this project's 2-core machine (fitted to
/// bench/results/pruned-ternary.md, 4096 x 4096 at batch 1 and 32, 50-95%
/// zero trits and 1:4 and 2:4 patterns, 2026-12-07; only their ratios
/// matter):
/// - the i2 kernel per weight, decoding each trit once for a block of up
///   to 8 rows (0.058 ns at batch 1, 0.95 at batch 32);
/// - index lists per stored position (0.155 ns at batch 1: hardware
///   gathers of the activations and a signed add; 2.5 at batch 32: 16-row
///   vectors from the transposed activations);
/// - ternary N:M per slot (N per M inputs; 0.085 ns at batch 1, 1.24 at
///   batch 32): the group's M activations broadcast, one picked per lane
///   by selects on the position, then a signed add.
/// A form must also store no more bytes than the 2-bit codes (index lists:
/// 2 bytes a position, so below 12.5% density; ternary N:M: one byte a
/// slot, so 1:4 only), which binds first where a form is faster but larger
/// (lists at 70% zero trits, 1.35x and 1.51x faster at batch 1 and 32;
/// 2:4 ternary N:M, 1.25x and 1.55x): the choice is the faster form in the
/// other 8 of the 12 measured cases. Measured with
///   bench/pruned_ternary.sh bench/results/pruned-ternary.json
/// (the constants come from the run before index lists sorted their rows
/// as sliced ELL does, 10-20% slower there; the committed run has the
/// current times, and the choices are the same).
constexpr EntryCost kI2Cost{0.029, 0.029};
constexpr EntryCost kIndexListCost{0.080, 0.075};
constexpr EntryCost kSignedNMCost{0.048, 0.037};

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

int64_t entries(const Stats &s, Format f) {
  switch (f) {
  case Format::Dense:
    return s.n * s.k;
  case Format::Ell:
    return s.maxRowNnz * s.n;
  case Format::NM:
    return s.nmM ? ceilDiv(s.k, s.nmM) * s.nmN * s.n : -1;
  case Format::Bsr:
    return s.maxBlocksPerRow * kBlock * s.n;
  }
  return -1;
}

} // namespace

int64_t storedBytes(const Stats &s, Format f) {
  int64_t e = entries(s, f);
  if (e < 0)
    return -1;
  switch (f) {
  case Format::Dense:
    return 4 * e;
  case Format::Ell:
    return e * (4 + Ell::indexBytes(s.k));
  case Format::NM:
    return e * 5;
  case Format::Bsr:
    return e * 4 + s.maxBlocksPerRow * ceilDiv(s.n, kBlock) * 4;
  }
  return -1;
}

double estimateRelativeTime(const Stats &s, Format f, int64_t m) {
  auto time = [&](Format g) -> double {
    int64_t e = entries(s, g);
    if (e < 0)
      return -1;
    EntryCost c = g == Format::Dense ? kDenseCost
                  : g == Format::Ell ? kEllCost
                  : g == Format::NM  ? kNMCost
                                     : kBsrCost;
    return double(e) * (c.perEntry + c.perRow * std::max<int64_t>(m, 1));
  };
  double dense = time(Format::Dense);
  double t = time(f);
  if (t < 0)
    return -1;
  return dense > 0 ? t / dense : 1.0;
}

Decision choose(const Stats &s, int64_t m, Format forced, bool force) {
  Decision d;
  d.denseBytes = storedBytes(s, Format::Dense);
  d.bytes = d.denseBytes;
  char buf[160];
  if (force) {
    double t = estimateRelativeTime(s, forced, m);
    if (t < 0) {
      d.reason = std::string("forced format ") + name(forced) +
                 " cannot hold this layer (no " +
                 (forced == Format::NM ? "N:M pattern" : "such structure") +
                 "): kept dense";
      return d;
    }
    d.format = forced;
    d.bytes = storedBytes(s, forced);
    d.relativeTime = t;
    std::snprintf(buf, sizeof(buf), "forced (estimated %.2fx the dense time)",
                  t);
    d.reason = buf;
    return d;
  }
  if (s.nnz == s.n * s.k) {
    d.reason = "no zeros";
    return d;
  }
  Format best = Format::Dense;
  double bestTime = 1.0;
  for (Format f : {Format::NM, Format::Bsr, Format::Ell}) {
    double t = estimateRelativeTime(s, f, m);
    // A sparse format must also store fewer bytes than the dense weights.
    if (t >= 0 && t < bestTime && storedBytes(s, f) < d.denseBytes) {
      best = f;
      bestTime = t;
    }
  }
  if (best == Format::Dense || bestTime > 0.9) {
    std::snprintf(
        buf, sizeof(buf),
        "density %.1f%%: no sparse format is both smaller and 10%% "
        "faster than dense (%s: estimated %.2fx the dense time)",
        100 * s.density(), name(best == Format::Dense ? Format::Ell : best),
        best == Format::Dense ? estimateRelativeTime(s, Format::Ell, m)
                              : bestTime);
    d.reason = buf;
    return d;
  }
  d.format = best;
  d.bytes = storedBytes(s, best);
  d.relativeTime = bestTime;
  std::snprintf(buf, sizeof(buf),
                "density %.1f%%: estimated %.2fx the dense time at batch %lld",
                100 * s.density(), bestTime, static_cast<long long>(m));
  d.reason = buf;
  return d;
}

namespace {
const char *ternaryFormName(TernaryForm f) {
  switch (f) {
  case TernaryForm::I2:
    return "the 2-bit kernel";
  case TernaryForm::IndexList:
    return "index lists";
  case TernaryForm::NM:
    return "ternary N:M";
  }
  return "?";
}
} // namespace

TernaryDecision chooseTernary(const Stats &s, int64_t m, TernaryForm forced) {
  TernaryDecision d;
  int64_t rows = std::max<int64_t>(m, 1);
  d.i2Bytes = s.n * ceilDiv(s.k, 4) + s.n * 4;
  d.bytes = d.i2Bytes;
  double i2 = double(s.n * s.k) * (kI2Cost.perEntry + kI2Cost.perRow * rows);
  struct Candidate {
    TernaryForm form;
    int64_t bytes;
    double relativeTime;
  };
  // `entries` stored entries of `cost` each, against the i2 kernel.
  auto relative = [&](int64_t entries, EntryCost cost) {
    return i2 > 0 ? double(entries) * (cost.perEntry + cost.perRow * rows) / i2
                  : 1.0;
  };
  std::vector<Candidate> candidates;
  int64_t entries = s.maxRowNnz * s.n;
  candidates.push_back({TernaryForm::IndexList,
                        entries * SignedEll::indexBytes(s.k) + s.n * 4,
                        relative(entries, kIndexListCost)});
  if (s.nmN > 0) {
    int64_t slots = ceilDiv(s.k, s.nmM) * s.nmN * s.n;
    candidates.push_back(
        {TernaryForm::NM, slots + s.n * 4, relative(slots, kSignedNMCost)});
  }
  char buf[256];
  std::string others;
  const Candidate *best = nullptr;
  for (const Candidate &c : candidates) {
    bool taken = forced != TernaryForm::I2
                     ? c.form == forced
                     : c.relativeTime < 0.9 && c.bytes <= d.i2Bytes &&
                           (!best || c.relativeTime < best->relativeTime);
    if (taken)
      best = &c;
  }
  for (const Candidate &c : candidates) {
    if (&c == best)
      continue;
    std::snprintf(buf, sizeof(buf),
                  "%s%s (%lld bytes, estimated %.2fx the time)",
                  others.empty() ? "" : "; ", ternaryFormName(c.form),
                  static_cast<long long>(c.bytes), c.relativeTime);
    others += buf;
  }
  if (!best) {
    if (forced != TernaryForm::I2)
      d.reason = std::string(ternaryFormName(forced)) +
                 " cannot hold it: its zeros follow no N:M pattern (1:4, "
                 "2:4, 4:8)";
    else
      d.reason = std::string("no form is both no larger and 10% faster than "
                             "the 2-bit kernel: ") +
                 others;
    return d;
  }
  d.form = best->form;
  d.bytes = best->bytes;
  d.relativeTime = best->relativeTime;
  std::snprintf(buf, sizeof(buf),
                "%sdensity %.1f%%: estimated %.2fx the time of the 2-bit "
                "kernel at batch %lld",
                forced != TernaryForm::I2 ? "forced; " : "", 100 * s.density(),
                d.relativeTime, static_cast<long long>(rows));
  d.reason = buf;
  if (!others.empty())
    d.reason += " (" + others + ")";
  return d;
}

//===----------------------------------------------------------------------===//
// Storage
//===----------------------------------------------------------------------===//

bool rowMagnitudes(const std::vector<float> &w, int64_t n, int64_t k,
                   std::vector<float> &scales) {
  scales.assign(n, 1.0f);
  for (int64_t r = 0; r < n; ++r) {
    float a = 0.0f;
    for (int64_t c = 0; c < k; ++c) {
      float v = w[r * k + c];
      if (v == 0.0f)
        continue;
      if (a == 0.0f)
        a = std::fabs(v);
      else if (std::fabs(v) != a)
        return false;
    }
    if (a != 0.0f && !std::isfinite(a))
      return false;
    if (a != 0.0f)
      scales[r] = a;
  }
  return true;
}

bool buildSignedEll(const std::vector<float> &w, int64_t n, int64_t k,
                    SignedEll &out) {
  out = SignedEll();
  if (!rowMagnitudes(w, n, k, out.scales))
    return false;
  for (int64_t r = 0; r < n; ++r)
    out.rowLength = std::max<int64_t>(
        out.rowLength, std::count_if(w.begin() + r * k, w.begin() + (r + 1) * k,
                                     [](float v) { return v != 0.0f; }));
  out.codes.assign(out.rowLength * n, 0);
  for (int64_t r = 0; r < n; ++r) {
    int64_t j = 0;
    for (int64_t c = 0; c < k; ++c)
      if (float v = w[r * k + c]; v != 0.0f)
        out.codes[j++ * n + r] = static_cast<int32_t>(v > 0 ? c + 1 : -(c + 1));
  }
  return true;
}

Ell buildEll(const std::vector<float> &w, int64_t n, int64_t k) {
  Ell e;
  for (int64_t r = 0; r < n; ++r)
    e.rowLength = std::max<int64_t>(
        e.rowLength, std::count_if(w.begin() + r * k, w.begin() + (r + 1) * k,
                                   [](float v) { return v != 0.0f; }));
  e.values.assign(e.rowLength * n, 0.0f);
  e.cols.assign(e.rowLength * n, 0);
  for (int64_t r = 0; r < n; ++r) {
    int64_t j = 0;
    for (int64_t c = 0; c < k; ++c)
      if (w[r * k + c] != 0.0f) {
        e.values[j * n + r] = w[r * k + c];
        e.cols[j * n + r] = static_cast<int32_t>(c);
        ++j;
      }
  }
  return e;
}

bool buildNM(const std::vector<float> &w, int64_t n, int64_t k, int keep,
             int group, NM &out, std::string &why) {
  out.keep = keep;
  out.group = group;
  int64_t groups = ceilDiv(k, group);
  int64_t slots = groups * keep;
  out.values.assign(slots * n, 0.0f);
  out.index.assign(slots * n, 0);
  for (int64_t r = 0; r < n; ++r)
    for (int64_t g = 0; g < groups; ++g) {
      int s = 0;
      for (int64_t c = g * group; c < std::min(k, (g + 1) * group); ++c) {
        if (w[r * k + c] == 0.0f)
          continue;
        if (s == keep) {
          why = "row " + std::to_string(r) + ", inputs " +
                std::to_string(g * group) + ".." +
                std::to_string(std::min(k, (g + 1) * group) - 1) +
                " hold more than " + std::to_string(keep) + " nonzeros";
          return false;
        }
        int64_t j = g * keep + s;
        out.values[j * n + r] = w[r * k + c];
        out.index[j * n + r] = static_cast<int8_t>(c - g * group);
        ++s;
      }
    }
  return true;
}

bool buildSignedNM(const std::vector<float> &w, int64_t n, int64_t k, int keep,
                   int group, SignedNM &out, std::string &why) {
  out = SignedNM();
  if (!rowMagnitudes(w, n, k, out.scales)) {
    why = "a row holds more than one nonzero magnitude";
    return false;
  }
  NM nm;
  if (!buildNM(w, n, k, keep, group, nm, why))
    return false;
  out.keep = keep;
  out.group = group;
  out.codes.resize(nm.values.size());
  for (size_t j = 0; j < nm.values.size(); ++j) {
    float v = nm.values[j];
    int8_t position = static_cast<int8_t>(nm.index[j] + 1);
    out.codes[j] = v > 0 ? position : v < 0 ? -position : 0;
  }
  return true;
}

Bsr buildBsr(const std::vector<float> &w, int64_t n, int64_t k, int bn,
             int bk) {
  Bsr b;
  b.bn = bn;
  b.bk = bk;
  int64_t rowBlocks = ceilDiv(n, bn), colBlocks = ceilDiv(k, bk);
  std::vector<std::vector<int32_t>> lists(rowBlocks);
  for (int64_t rb = 0; rb < rowBlocks; ++rb)
    for (int64_t cb = 0; cb < colBlocks; ++cb) {
      bool nz = false;
      for (int64_t r = rb * bn; r < std::min(n, (rb + 1) * bn) && !nz; ++r)
        for (int64_t c = cb * bk; c < std::min(k, (cb + 1) * bk); ++c)
          nz = nz || w[r * k + c] != 0.0f;
      if (nz)
        lists[rb].push_back(static_cast<int32_t>(cb));
    }
  for (const auto &l : lists)
    b.listLength = std::max<int64_t>(b.listLength, l.size());
  b.blockCol.assign(b.listLength * rowBlocks, 0);
  b.values.assign(b.listLength * bk * n, 0.0f);
  for (int64_t rb = 0; rb < rowBlocks; ++rb)
    for (size_t j = 0; j < lists[rb].size(); ++j) {
      int32_t cb = lists[rb][j];
      b.blockCol[j * rowBlocks + rb] = cb;
      for (int64_t r = rb * bn; r < std::min(n, (rb + 1) * bn); ++r)
        for (int64_t i = 0; i < bk; ++i) {
          int64_t c = int64_t(cb) * bk + i;
          if (c < k)
            b.values[(j * bk + i) * n + r] = w[r * k + c];
        }
    }
  return b;
}

} // namespace mlir::tern::sparse
