//===- ConformanceRunnerTest.cpp - The pieces of tern-onnx-conformance ----===//
//
// The ONNX conformance runner's own tests, without ternc: the TensorProto
// reader and the comparator on files of the installed test data and on
// hand-made tensors, the model summary, the list files, sharding, outcomes,
// binding test data to an info table, choosing the inputs to freeze at
// compile time, and the child-process helper. Tests
// that read libonnx-testdata skip when it is not installed.
//
//===----------------------------------------------------------------------===//

#include "ModelRun.h"
#include "OnnxModel.h"
#include "Options.h"
#include "Process.h"
#include "Report.h"
#include "Runner.h"
#include "Tensor.h"
#include "TestSuite.h"

#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>

namespace fs = std::filesystem;
using namespace tern::conformance;

namespace {

const char *const kDataDir = "/usr/share/libonnx-testdata/data";

std::string nodeFile(const std::string &test, const std::string &file) {
  return std::string(kDataDir) + "/node/" + test + "/test_data_set_0/" + file;
}

#define SKIP_WITHOUT_DATA()                                                    \
  if (!fs::is_directory(kDataDir))                                             \
  GTEST_SKIP() << "libonnx-testdata is not installed (" << kDataDir << ")"

/// A fresh folder for one test, removed at the end.
class TempDir {
public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "tern-conf-XXXXXX");
    path = mkdtemp(pattern.data());
  }
  ~TempDir() { fs::remove_all(path); }
  std::string file(const std::string &name, const std::string &text) const {
    std::string p = (path / name).string();
    std::ofstream(p) << text;
    return p;
  }
  fs::path path;
};

template <typename T>
Tensor makeTensor(tern_dtype dtype, std::vector<int64_t> shape,
                  std::vector<T> values) {
  Tensor t;
  t.dtype = dtype;
  t.shape = std::move(shape);
  t.data.resize(values.size() * sizeof(T));
  std::memcpy(t.data.data(), values.data(), t.data.size());
  return t;
}

Tensor floats(std::vector<float> values) {
  int64_t n = int64_t(values.size());
  return makeTensor(TERN_DTYPE_F32, {n}, std::move(values));
}

float floatAt(const Tensor &t, int64_t i) {
  float v;
  std::memcpy(&v, t.data.data() + i * 4, 4);
  return v;
}

void setFloat(Tensor &t, int64_t i, float v) {
  std::memcpy(t.data.data() + i * 4, &v, 4);
}

} // namespace

//===----------------------------------------------------------------------===//
// Reading TensorProto files and messages
//===----------------------------------------------------------------------===//

TEST(TensorReader, ReadsReluInput) {
  SKIP_WITHOUT_DATA();
  Tensor t;
  ASSERT_EQ(readTensorFile(nodeFile("test_relu", "input_0.pb"), t), "");
  EXPECT_EQ(t.name, "x");
  EXPECT_EQ(t.dtype, TERN_DTYPE_F32);
  EXPECT_EQ(t.shape, (std::vector<int64_t>{3, 4, 5}));
  EXPECT_EQ(t.data.size(), 60u * 4);
  EXPECT_FLOAT_EQ(floatAt(t, 0), 1.7640524f);
}

TEST(TensorReader, MissingFileNamesThePath) {
  Tensor t;
  EXPECT_EQ(readTensorFile("/nonexistent/input_0.pb", t),
            "/nonexistent/input_0.pb: cannot open");
}

TEST(TensorReader, TypedFields) {
  onnx::TensorProto p;
  p.set_name("b");
  p.set_data_type(onnx::TensorProto::BOOL);
  p.add_dims(3);
  for (int v : {1, 0, 7})
    p.add_int32_data(v);
  Tensor t;
  ASSERT_EQ(tensorFromProto(p, t), "");
  EXPECT_EQ(t.dtype, TERN_DTYPE_BOOL);
  EXPECT_EQ(t.data, (std::vector<uint8_t>{1, 0, 1}));

  p.Clear();
  p.set_data_type(onnx::TensorProto::INT8);
  p.add_dims(2);
  p.add_int32_data(-3);
  p.add_int32_data(100);
  ASSERT_EQ(tensorFromProto(p, t), "");
  EXPECT_EQ(t.dtype, TERN_DTYPE_I8);
  EXPECT_EQ(int8_t(t.data[0]), -3);
  EXPECT_EQ(int8_t(t.data[1]), 100);

  p.Clear();
  p.set_data_type(onnx::TensorProto::INT64);
  p.add_int64_data(int64_t(1) << 40); // rank 0: one element
  ASSERT_EQ(tensorFromProto(p, t), "");
  int64_t v;
  std::memcpy(&v, t.data.data(), 8);
  EXPECT_EQ(v, int64_t(1) << 40);
  EXPECT_TRUE(t.shape.empty());

  p.Clear();
  p.set_data_type(onnx::TensorProto::DOUBLE);
  p.add_dims(1);
  p.add_double_data(0.25);
  ASSERT_EQ(tensorFromProto(p, t), "");
  EXPECT_EQ(t.dtype, TERN_DTYPE_F64);
}

TEST(TensorReader, RawData) {
  onnx::TensorProto p;
  p.set_data_type(onnx::TensorProto::INT32);
  p.add_dims(2);
  int32_t values[2] = {5, -6};
  p.set_raw_data(std::string(reinterpret_cast<char *>(values), 8));
  Tensor t;
  ASSERT_EQ(tensorFromProto(p, t), "");
  EXPECT_EQ(t.dtype, TERN_DTYPE_I32);
  EXPECT_EQ(std::memcmp(t.data.data(), values, 8), 0);

  p.add_dims(2); // shape [2, 2] needs 16 bytes
  EXPECT_EQ(tensorFromProto(p, t),
            "raw_data holds 8 bytes, shape [2, 2] needs 16");
}

TEST(TensorReader, Errors) {
  onnx::TensorProto p;
  Tensor t;
  p.set_data_type(onnx::TensorProto::FLOAT16);
  p.add_dims(1);
  p.add_int32_data(0);
  EXPECT_EQ(tensorFromProto(p, t), "unsupported dtype FLOAT16");

  p.set_data_type(onnx::TensorProto::FLOAT);
  p.clear_int32_data();
  p.add_float_data(1);
  p.add_float_data(2);
  EXPECT_EQ(tensorFromProto(p, t),
            "float_data holds 2 values, shape [1] needs 1");

  p.set_data_location(onnx::TensorProto::EXTERNAL);
  EXPECT_EQ(tensorFromProto(p, t), "external data is not supported");

  p.Clear();
  p.set_data_type(onnx::TensorProto::FLOAT);
  p.add_dims(-1);
  EXPECT_EQ(tensorFromProto(p, t), "negative dimension in shape [-1]");
}

//===----------------------------------------------------------------------===//
// Comparing
//===----------------------------------------------------------------------===//

TEST(TensorCompare, FileEqualsItself) {
  SKIP_WITHOUT_DATA();
  Tensor a, b;
  ASSERT_EQ(readTensorFile(nodeFile("test_relu", "output_0.pb"), a), "");
  ASSERT_EQ(readTensorFile(nodeFile("test_relu", "output_0.pb"), b), "");
  EXPECT_EQ(compareTensors(a, b), "");
}

TEST(TensorCompare, ReluIsNotAbs) {
  SKIP_WITHOUT_DATA();
  Tensor relu, abs;
  ASSERT_EQ(readTensorFile(nodeFile("test_relu", "output_0.pb"), relu), "");
  ASSERT_EQ(readTensorFile(nodeFile("test_abs", "output_0.pb"), abs), "");
  std::string message = compareTensors(relu, abs);
  EXPECT_NE(message.find(" of 60 elements differ; worst at ["),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("got 0, expected "), std::string::npos) << message;
}

TEST(TensorCompare, PerturbedElementIsNamed) {
  SKIP_WITHOUT_DATA();
  Tensor expected;
  ASSERT_EQ(readTensorFile(nodeFile("test_relu", "output_0.pb"), expected), "");
  Tensor got = expected;
  setFloat(got, 27, floatAt(got, 27) + 0.5f); // [1, 1, 2] of [3, 4, 5]
  std::string message = compareTensors(got, expected);
  EXPECT_EQ(
      message.rfind("1 of 60 elements differ; worst at [1, 1, 2]: got ", 0), 0u)
      << message;
  EXPECT_NE(message.find("allowed)"), std::string::npos) << message;

  // Within rtol = 1e-3 everywhere: passes.
  got = expected;
  for (int64_t i = 0; i < 60; ++i)
    setFloat(got, i, floatAt(got, i) * (1 + 5e-4f));
  EXPECT_EQ(compareTensors(got, expected), "");
}

TEST(TensorCompare, WorstElementIsReported) {
  Tensor got = floats({1.0f, 2.1f, 3.5f}), expected = floats({1.0f, 2, 3});
  EXPECT_EQ(compareTensors(got, expected),
            "2 of 3 elements differ; worst at [2]: got 3.5, expected 3 "
            "(|diff| 0.5 > 0.0030001 allowed)");
}

TEST(TensorCompare, NaNAndInfinity) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  EXPECT_EQ(compareTensors(floats({nan, inf, -inf}), floats({nan, inf, -inf})),
            "");
  EXPECT_EQ(compareTensors(floats({1}), floats({nan})),
            "1 of 1 elements differ; worst at [0]: got 1, expected nan");
  EXPECT_EQ(compareTensors(floats({nan}), floats({1})),
            "1 of 1 elements differ; worst at [0]: got nan, expected 1");
  EXPECT_EQ(compareTensors(floats({-inf}), floats({inf})),
            "1 of 1 elements differ; worst at [0]: got -inf, expected inf");
  EXPECT_EQ(compareTensors(floats({3e38f}), floats({inf})),
            "1 of 1 elements differ; worst at [0]: got 3.00000001e+38, "
            "expected inf");
}

TEST(TensorCompare, IntegersAndBoolsExactly) {
  Tensor a = makeTensor<int64_t>(TERN_DTYPE_I64, {2, 2}, {1, 2, 3, 4});
  Tensor b = makeTensor<int64_t>(TERN_DTYPE_I64, {2, 2}, {1, 2, 3, 5});
  EXPECT_EQ(compareTensors(a, a), "");
  EXPECT_EQ(compareTensors(a, b),
            "1 of 4 elements differ; worst at [1, 1]: got 4, expected 5");
  Tensor t = makeTensor<uint8_t>(TERN_DTYPE_BOOL, {2}, {1, 0});
  Tensor f = makeTensor<uint8_t>(TERN_DTYPE_BOOL, {2}, {1, 1});
  EXPECT_EQ(compareTensors(t, f),
            "1 of 2 elements differ; worst at [1]: got 0, expected 1");
}

TEST(TensorCompare, ShapeAndDtype) {
  Tensor a = makeTensor<float>(TERN_DTYPE_F32, {2, 1}, {1, 2});
  Tensor b = makeTensor<float>(TERN_DTYPE_F32, {1, 2}, {1, 2});
  EXPECT_EQ(compareTensors(a, b), "got f32 [2, 1], expected f32 [1, 2]");
  Tensor c = makeTensor<int32_t>(TERN_DTYPE_I32, {2, 1}, {1, 2});
  EXPECT_EQ(compareTensors(c, a), "got i32 [2, 1], expected f32 [2, 1]");
}

//===----------------------------------------------------------------------===//
// Models, lists, shards, outcomes
//===----------------------------------------------------------------------===//

TEST(ModelSummary, ReluAndInitializerInputs) {
  SKIP_WITHOUT_DATA();
  ModelSummary s;
  ASSERT_EQ(
      readModelSummary(std::string(kDataDir) + "/node/test_relu/model.onnx", s),
      "");
  EXPECT_EQ(s.opTypes, (std::set<std::string>{"Relu"}));
  EXPECT_EQ(s.inputs, (std::vector<std::string>{"x"}));
  EXPECT_EQ(s.outputs, (std::vector<std::string>{"y"}));

  // Inputs 1..4 (scale, bias, mean, variance) are initializers too.
  ASSERT_EQ(readModelSummary(std::string(kDataDir) +
                                 "/pytorch-converted/test_BatchNorm2d_eval/"
                                 "model.onnx",
                             s),
            "");
  EXPECT_EQ(s.inputs, (std::vector<std::string>{"0"}));
}

TEST(TestSuite, DiscoverAndClassify) {
  SKIP_WITHOUT_DATA();
  std::vector<TestCase> tests;
  ASSERT_EQ(discoverTests(kDataDir, {"node"}, "node/test_relu", tests), "");
  ASSERT_FALSE(tests.empty());
  EXPECT_EQ(tests[0].id(), "node/test_relu");
  EXPECT_EQ(tests[0].dataSets.size(), 1u);
  classifyTest(tests[0], {"Relu"});
  EXPECT_TRUE(tests[0].claimed());
  classifyTest(tests[0], {"Abs"});
  EXPECT_FALSE(tests[0].claimed());
  EXPECT_EQ(tests[0].unclaimedOps, (std::vector<std::string>{"Relu"}));

  EXPECT_NE(discoverTests(kDataDir, {"no-such-suite"}, "", tests), "");
}

TEST(TestSuite, OpListAndExpectations) {
  TempDir dir;
  std::set<std::string> ops;
  ASSERT_EQ(
      readOpList(dir.file("ops.txt", "# ops\nRelu Add  # two\n\nMul\n"), ops),
      "");
  EXPECT_EQ(ops, (std::set<std::string>{"Add", "Mul", "Relu"}));

  std::map<std::string, std::string> expected;
  ASSERT_EQ(readExpectations(dir.file("ok.txt",
                                      "# header\n\nnode/test_a   float16 data\n"
                                      "  simple/test_b\tno reason given  \n"),
                             expected),
            "");
  EXPECT_EQ(expected.at("node/test_a"), "float16 data");
  EXPECT_EQ(expected.at("simple/test_b"), "no reason given");

  std::string bad = dir.file("bad.txt", "node/test_a float16\nnode/test_c\n");
  expected.clear();
  EXPECT_EQ(readExpectations(bad, expected),
            bad + ":2: expected `suite/test  reason`, got `node/test_c`");
}

TEST(TestSuite, Shards) {
  Shard s;
  EXPECT_TRUE(parseShard("1/4", s));
  EXPECT_EQ(s.index, 1u);
  EXPECT_EQ(s.count, 4u);
  EXPECT_TRUE(s.contains(5));
  EXPECT_FALSE(s.contains(4));
  for (const char *bad : {"4/4", "1/0", "1", "a/b", "1/4x", "-1/4"})
    EXPECT_FALSE(parseShard(bad, s)) << bad;
}

TEST(Options, Parsing) {
  Options o;
  const char *argv[] = {
      "x",   "--ternc=/bin/t", "--suite",  "node",     "--shard",
      "2/4", "--all",          "--jobs=3", "--filter", "relu"};
  ASSERT_EQ(parseOptions(10, const_cast<char **>(argv), o), "");
  EXPECT_EQ(o.ternc, "/bin/t");
  EXPECT_EQ(o.suites, (std::vector<std::string>{"node"}));
  EXPECT_EQ(o.shard.index, 2u);
  EXPECT_TRUE(o.all);
  EXPECT_EQ(o.jobs, 3u);
  EXPECT_EQ(o.filter, "relu");

  Options d;
  const char *none[] = {"x"};
  EXPECT_EQ(parseOptions(1, const_cast<char **>(none), d),
            "--ternc PATH is required");
  const char *bad[] = {"x", "--ternc", "t", "--jobs", "0"};
  EXPECT_EQ(parseOptions(5, const_cast<char **>(bad), d),
            "--jobs takes a number of at least 1, not '0'");
  const char *unknown[] = {"x", "--frobnicate"};
  EXPECT_EQ(parseOptions(2, const_cast<char **>(unknown), d),
            "unknown option '--frobnicate'");
}

TEST(Report, OutcomesAndSummary) {
  std::map<std::string, std::string> expected = {{"s/a", "f16"},
                                                 {"s/b", "f16"}};
  TestResult a{"s/a", "Relu", Outcome::Fail, "boom"};
  TestResult b{"s/b", "Relu", Outcome::Pass, ""};
  TestResult c{"s/c", "If", Outcome::Unsupported, "unclaimed ops: If"};
  applyExpectation(a, expected);
  applyExpectation(b, expected);
  applyExpectation(c, expected);
  EXPECT_EQ(a.outcome, Outcome::XFail);
  EXPECT_EQ(a.detail, "expected (f16): boom");
  EXPECT_EQ(b.outcome, Outcome::XPass);
  EXPECT_EQ(c.outcome, Outcome::Unsupported);

  Summary s = summarize({a, b, c});
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.line(), "passed 0, failed 0, expected failures 1, unsupported "
                      "1, unexpected passes 1 (of 3 tests)");
  EXPECT_EQ(summarize({a, c}).line(), "passed 0, failed 0, expected failures "
                                      "1, unsupported 1 (of 2 tests)");
  EXPECT_TRUE(summarize({a, c}).ok());

  // Passes with frozen inputs are counted within the passes.
  TestResult d{"s/d", "Reshape", Outcome::Pass,
               "inputs frozen at compile time: shape", true};
  TestResult e{"s/e", "Relu", Outcome::Pass, ""};
  TestResult f{"s/f", "Slice", Outcome::Fail, "bad", true};
  Summary frozen = summarize({d, e, f});
  EXPECT_EQ(frozen.passedFrozen, 1u);
  EXPECT_EQ(frozen.line(),
            "passed 2 (1 of them with inputs frozen at compile time), failed "
            "1, expected failures 0, unsupported 0 (of 3 tests)");
  EXPECT_FALSE(frozen.ok());
  EXPECT_TRUE(summarize({d, e}).ok());

  EXPECT_EQ(escapeCell("a|b\nc"), "a\\|b c");
  std::string table = markdownTable({c}, summarize({c}));
  EXPECT_NE(table.find("| s/c | If | unsupported | unclaimed ops: If |\n"),
            std::string::npos)
      << table;
}

//===----------------------------------------------------------------------===//
// Binding test data to an info table
//===----------------------------------------------------------------------===//

TEST(ModelRun, BindToInfo) {
  tern_tensor_info infos[2] = {};
  infos[0].name = "a";
  infos[1].name = "b";
  std::vector<std::string> graph = {"a", "b"};
  EXPECT_EQ(bindToInfo("b", 0, graph, infos, 2), 1); // by name
  EXPECT_EQ(bindToInfo("", 1, graph, infos, 2), 1);  // by position
  EXPECT_EQ(bindToInfo("", 2, graph, infos, 2), -1);
  infos[1].name = "b_0"; // renamed by the importer: by graph position
  EXPECT_EQ(bindToInfo("b", 0, graph, infos, 2), 1);
}

TEST(ModelRun, GraphInputOf) {
  std::vector<std::string> graph = {"data", "shape"};
  EXPECT_EQ(graphInputOf("shape", 0, graph), "shape"); // by name
  EXPECT_EQ(graphInputOf("", 1, graph), "shape");      // by position
  EXPECT_EQ(graphInputOf("other", 0, graph), "data");
  EXPECT_EQ(graphInputOf("", 2, graph), "");
}

TEST(ModelRun, CheckAgainstInfo) {
  tern_tensor_info info = {};
  info.name = "x";
  info.dtype = TERN_DTYPE_F32;
  info.rank = 2;
  info.shape[0] = 3;
  info.shape[1] = 4;
  Tensor t =
      makeTensor<float>(TERN_DTYPE_F32, {3, 4}, std::vector<float>(12, 0.0f));
  EXPECT_EQ(checkAgainstInfo(t, info, "input 0 'x'"), "");
  t.shape = {4, 3};
  EXPECT_EQ(checkAgainstInfo(t, info, "input 0 'x'"),
            "input 0 'x': test data is f32 [4, 3], the model's info table "
            "says f32 [3, 4]");
}

TEST(ModelRun, MissingLibrary) {
  std::string message = runOnDataSets("/nonexistent/libt.so", "t",
                                      ModelSummary(), {"/nonexistent"});
  EXPECT_EQ(message.rfind("dlopen failed: ", 0), 0u) << message;
}

//===----------------------------------------------------------------------===//
// Inputs frozen at compile time
//===----------------------------------------------------------------------===//

namespace {
/// Adds a graph input `name` of element type `type` and shape `dims` (-1: a
/// symbolic size; no dims and `ranked` false: no shape at all).
void addInput(onnx::GraphProto &graph, const std::string &name, int32_t type,
              std::vector<int64_t> dims, bool ranked = true) {
  onnx::ValueInfoProto *input = graph.add_input();
  input->set_name(name);
  onnx::TypeProto::Tensor *tensor =
      input->mutable_type()->mutable_tensor_type();
  tensor->set_elem_type(type);
  if (!ranked)
    return;
  onnx::TensorShapeProto *shape = tensor->mutable_shape();
  for (int64_t d : dims) {
    if (d < 0)
      shape->add_dim()->set_dim_param("N");
    else
      shape->add_dim()->set_dim_value(d);
  }
}
} // namespace

TEST(FrozenInputs, ChoiceFromTheModel) {
  onnx::ModelProto model;
  onnx::GraphProto &graph = *model.mutable_graph();
  graph.add_node()->set_op_type("Range");
  addInput(graph, "data", onnx::TensorProto::FLOAT, {3, 4});
  addInput(graph, "shape", onnx::TensorProto::INT64, {2});
  addInput(graph, "start", onnx::TensorProto::FLOAT, {});
  addInput(graph, "pads", onnx::TensorProto::INT32, {-1});
  addInput(graph, "bytes", onnx::TensorProto::UINT8, {16});
  addInput(graph, "small", onnx::TensorProto::DOUBLE, {8});
  addInput(graph, "nine", onnx::TensorProto::FLOAT, {9});
  addInput(graph, "batch", onnx::TensorProto::FLOAT, {-1});
  addInput(graph, "unranked", onnx::TensorProto::FLOAT, {}, false);
  addInput(graph, "mask", onnx::TensorProto::BOOL, {2});
  addInput(graph, "weights", onnx::TensorProto::INT64, {2});
  // An initializer listed as an input (old opsets) is not a real input.
  onnx::TensorProto *init = graph.add_initializer();
  init->set_name("weights");
  init->set_data_type(onnx::TensorProto::INT64);

  ModelSummary summary = summarizeModel(model);
  ASSERT_EQ(summary.inputs.size(), 10u);
  ASSERT_EQ(summary.inputTypes.size(), 10u);
  EXPECT_EQ(summary.inputTypes[1].elemType, onnx::TensorProto::INT64);
  EXPECT_EQ(summary.inputTypes[3].shape, (std::vector<int64_t>{-1}));
  EXPECT_FALSE(summary.inputTypes[8].hasShape);
  EXPECT_TRUE(summary.inputTypes[2].hasShape);

  // Integer data ("ids", 2-D; "codes", unranked) is frozen only when
  // freezing the shape-like inputs is not enough.
  addInput(graph, "ids", onnx::TensorProto::INT32, {2, 3});
  addInput(graph, "codes", onnx::TensorProto::INT8, {}, false);
  summary = summarizeModel(model);
  EXPECT_EQ(inputsToFreeze(summary, FreezeLevel::ShapeLikeIntegers),
            (std::vector<std::string>{"shape", "pads", "bytes"}));
  EXPECT_EQ(
      inputsToFreeze(summary, FreezeLevel::Integers),
      (std::vector<std::string>{"shape", "pads", "bytes", "ids", "codes"}));
  EXPECT_EQ(inputsToFreeze(summary, FreezeLevel::IntegersAndSmallFloats),
            (std::vector<std::string>{"shape", "start", "pads", "bytes",
                                      "small", "ids", "codes"}));
  EXPECT_EQ(frozenDetail({"shape", "pads"}),
            "inputs frozen at compile time: shape, pads");

  ModelSummary plain;
  plain.inputs = {"x"};
  plain.inputTypes = {InputType{onnx::TensorProto::FLOAT, true, {3, 4}}};
  EXPECT_TRUE(
      inputsToFreeze(plain, FreezeLevel::IntegersAndSmallFloats).empty());
}

TEST(FrozenInputs, RetryDecision) {
  EXPECT_TRUE(needsFrozenInputs(
      "model.onnx: node #0 (Reshape): error: the target shape (input 1, "
      "'shape') must be known at compile time (a constant, an initializer or "
      "shape arithmetic on static shapes)\n"));
  EXPECT_TRUE(needsFrozenInputs(
      "note: x\nmodel.onnx: node #0 (Range): error: Range with inputs not "
      "known at compile time\n"));
  EXPECT_FALSE(needsFrozenInputs(
      "model.onnx: node #0 (Foo): error: unsupported op type 'Foo'\n"));
  EXPECT_FALSE(needsFrozenInputs(""));
}

TEST(FrozenInputs, ArgumentsFromTheData) {
  SKIP_WITHOUT_DATA();
  std::string test = std::string(kDataDir) + "/node/test_reshape_zero_dim";
  ModelSummary summary;
  ASSERT_EQ(readModelSummary(test + "/model.onnx", summary), "");
  std::vector<std::string> names =
      inputsToFreeze(summary, FreezeLevel::ShapeLikeIntegers);
  ASSERT_EQ(names, (std::vector<std::string>{"shape"}));
  std::vector<std::string> args;
  ASSERT_EQ(freezeArguments(test + "/test_data_set_0", summary, names, args),
            "");
  EXPECT_EQ(args, (std::vector<std::string>{
                      "--freeze-input",
                      "shape=" + test + "/test_data_set_0/input_1.pb"}));

  args.clear();
  EXPECT_EQ(
      freezeArguments(test + "/test_data_set_0", summary, {"nothing"}, args),
      "no data file in test_data_set_0 for input 'nothing' to freeze");
}

TEST(Options, RunModelWithFrozenInputs) {
  Options o;
  const char *argv[] = {"x",
                        "--run-model",
                        "/w/libt.so",
                        "--test-dir",
                        "/d/test_a",
                        "--data-set",
                        "/d/test_a/test_data_set_1",
                        "--frozen",
                        "shape",
                        "--frozen=axes"};
  ASSERT_EQ(parseOptions(10, const_cast<char **>(argv), o), "");
  EXPECT_EQ(o.dataSet, "/d/test_a/test_data_set_1");
  EXPECT_EQ(o.frozen, (std::vector<std::string>{"shape", "axes"}));
}

//===----------------------------------------------------------------------===//
// Child processes
//===----------------------------------------------------------------------===//

TEST(Process, ExitStatusAndOutput) {
  TempDir dir;
  std::string log = (dir.path / "log").string();
  ProcessResult r = runProcess(
      {"/bin/sh", "-c", "echo note; echo 'x.onnx:1: error: bad' >&2; exit 3"},
      log, 10);
  EXPECT_FALSE(r.succeeded());
  EXPECT_EQ(r.exitCode, 3);
  EXPECT_EQ(r.describe(), "exited with status 3");
  EXPECT_EQ(firstErrorLine(readFile(log)), "x.onnx:1: error: bad");
  EXPECT_EQ(firstErrorLine("\nfirst\nsecond\n"), "first");
  EXPECT_EQ(firstErrorLine(""), "(no output)");
}

TEST(Process, SignalAndTimeout) {
  TempDir dir;
  std::string log = (dir.path / "log").string();
  ProcessResult r = runProcess({"/bin/sh", "-c", "kill -SEGV $$"}, log, 10);
  EXPECT_EQ(r.signal, SIGSEGV);
  EXPECT_EQ(r.describe().rfind("killed by signal 11 (", 0), 0u);

  auto start = std::chrono::steady_clock::now();
  r = runProcess({"/bin/sh", "-c", "sleep 30 & sleep 30"}, log, 1);
  EXPECT_TRUE(r.timedOut);
  EXPECT_EQ(r.describe(), "timed out after 1 s");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));

  r = runProcess({"/nonexistent/ternc"}, log, 1);
  EXPECT_EQ(r.spawnError, "/nonexistent/ternc: No such file or directory");
}
