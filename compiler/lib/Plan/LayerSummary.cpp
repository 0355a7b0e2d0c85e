//===- LayerSummary.cpp - A plan's steps grouped by layer -----------------===//
//
// See LayerSummary.h.
//
//===----------------------------------------------------------------------===//

#include "tern/Plan/LayerSummary.h"

#include <cstring>
#include <map>
#include <set>

namespace tern::plan {
namespace {

int64_t viewBytes(const View &v) {
  return numElements(v.shape) * storageBytes(v.type);
}

/// Nonzero elements of a weight view, read from the weight blob.
int64_t nonzerosOf(const ModelPlan &plan, const View &v) {
  int64_t n = numElements(v.shape), bytes = storageBytes(v.type);
  if (v.storage.offset < 0 ||
      v.storage.offset + n * bytes > static_cast<int64_t>(plan.weights.size()))
    return n;
  const char *data = plan.weights.data() + v.storage.offset;
  int64_t count = 0;
  for (int64_t i = 0; i < n; ++i) {
    const char *p = data + i * bytes;
    if (v.type.kind == kernel::ScalarType::Float && v.type.bits == 32) {
      float f;
      std::memcpy(&f, p, sizeof f);
      count += f != 0.0f;
    } else if (v.type.kind == kernel::ScalarType::Float && v.type.bits == 64) {
      double d;
      std::memcpy(&d, p, sizeof d);
      count += d != 0.0;
    } else {
      bool zero = true;
      for (int64_t b = 0; b < bytes; ++b)
        zero &= p[b] == 0;
      count += !zero;
    }
  }
  return count;
}

} // namespace

std::vector<LayerSummary> summarizeLayers(const ModelPlan &plan,
                                          std::vector<int> *stepLayer) {
  std::vector<LayerSummary> layers;
  std::map<std::string, int> index;
  // Weight buffers already counted, per layer (a layer's kernels may read
  // one weight buffer through several views).
  std::vector<std::set<int64_t>> counted;
  // The largest dense weight buffer of each layer, for its format.
  std::vector<const View *> largest;
  if (stepLayer)
    stepLayer->assign(plan.steps.size(), -1);
  for (size_t i = 0; i < plan.steps.size(); ++i) {
    const Step &s = plan.steps[i];
    std::string name = s.layer.empty() ? s.location : s.layer;
    auto [it, inserted] = index.try_emplace(name, (int)layers.size());
    if (inserted) {
      layers.emplace_back();
      layers.back().name = name;
      counted.emplace_back();
      largest.push_back(nullptr);
    }
    int l = it->second;
    LayerSummary &layer = layers[l];
    layer.steps.push_back(static_cast<int>(i));
    if (stepLayer)
      (*stepLayer)[i] = l;
    for (const View &v : s.args)
      layer.bytesMoved += viewBytes(v);
    if (s.kind != Step::Call)
      continue;
    ++layer.kernelCalls;
    if (layer.opType.empty())
      layer.opType = s.opType;
    const kernel::Kernel &k = plan.kernels[s.kernel];
    layer.ops += kernel::countOps(k);
    layer.skipsZeroActivations |= k.skipWhenZero != nullptr;
    if (!s.weightFormat.empty()) {
      if (layer.format.empty() || layer.format.rfind("dense ", 0) == 0)
        layer.format = s.weightFormat;
      else if (layer.format.find(s.weightFormat) == std::string::npos)
        layer.format += "; " + s.weightFormat;
      layer.weightElements += s.weightElements;
      layer.weightNonzeros += s.weightNonzeros;
    }
    for (size_t a = 0; a < k.inputs.size() && a < s.args.size(); ++a) {
      const View &v = s.args[a];
      if (v.storage.kind != Storage::Weight ||
          !counted[l].insert(v.storage.offset).second)
        continue;
      layer.weightBytes += viewBytes(v);
      // Weights no lowering described: dense, counted from the blob. A
      // one-element buffer is a constant, not a weight matrix.
      if (s.weightFormat.empty() && numElements(v.shape) > 1 &&
          (!largest[l] || viewBytes(v) > viewBytes(*largest[l])))
        largest[l] = &v;
    }
  }
  // Layers without recorded weights: the largest dense buffer decides.
  for (size_t l = 0; l < layers.size(); ++l) {
    LayerSummary &layer = layers[l];
    if (!layer.format.empty() || !largest[l])
      continue;
    layer.format = "dense " + largest[l]->type.str();
    layer.weightElements = numElements(largest[l]->shape);
    layer.weightNonzeros = nonzerosOf(plan, *largest[l]);
  }
  return layers;
}

} // namespace tern::plan
